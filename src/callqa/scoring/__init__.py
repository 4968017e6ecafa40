"""Declarative scorecards: criteria with detectors, evaluated over an analysed interaction."""
