"""Offline models shared by the analyzers and detectors, each loaded lazily once per process."""
