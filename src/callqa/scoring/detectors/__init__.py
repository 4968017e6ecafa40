"""Registered scorecard detectors; importing this package registers the built-in ones."""

from callqa.scoring.detectors import composite, llm, semantic, signals, text  # noqa: F401  (registration)
from callqa.scoring.detectors.base import Context, Detector, Result, Services, detectors
from callqa.scoring.detectors.build import build_detector

__all__ = ["Context", "Detector", "Result", "Services", "build_detector", "detectors"]
