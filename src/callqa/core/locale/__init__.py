"""Interface translations (English is the source language)."""
