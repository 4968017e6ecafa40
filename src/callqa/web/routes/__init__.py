"""HTTP handlers: load or 404, authorize through the policies, call a service, render or return JSON."""
