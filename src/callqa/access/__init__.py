"""Who may do what: every access rule of the web app and the API, in one place."""
