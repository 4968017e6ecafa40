"""Accuracy harness: callqa's sentiment, dissatisfaction, complaint and politeness scores on labelled data."""

from __future__ import annotations

from callqa.accuracy.runner import (
    DATASETS,
    DEFAULT_DIALOGUE_LIMIT,
    DEFAULT_LIMIT,
    dataset_names,
    default_data_dir,
    run_eval,
)
from callqa.accuracy.tasks import EvalRow

__all__ = [
    "DATASETS",
    "DEFAULT_DIALOGUE_LIMIT",
    "DEFAULT_LIMIT",
    "EvalRow",
    "dataset_names",
    "default_data_dir",
    "run_eval",
]
