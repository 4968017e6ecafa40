"""The analyzer pipeline: language, redaction, metrics, sentiment, moments, friction and summary."""
