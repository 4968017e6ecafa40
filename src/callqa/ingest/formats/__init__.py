"""The built-in input formats: one module per format."""
