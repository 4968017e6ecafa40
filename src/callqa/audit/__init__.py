"""The audit log: who viewed or changed what, and when."""
