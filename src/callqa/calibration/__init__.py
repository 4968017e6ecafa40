"""Calibration: several graders score the same interactions blind; how far apart they are, and why."""
