"""Training from real problems: scenarios built from interactions, practice sessions scored by the same
scorecard, assignments with follow-up, and recording-analysis classes (docs/training.md)."""
