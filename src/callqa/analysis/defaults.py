"""The default pipeline and how configuration options reach each analyzer."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping, Sequence
from typing import Any

from callqa.analysis.pipeline import Pipeline
from callqa.core.config import DEFAULT_PIPELINE

_MODULES = ("redaction", "language", "metrics", "sentiment", "reasons", "moments", "friction", "summary")


def register_builtin_analyzers() -> None:
    """Import the built-in analyzer modules so they register themselves (idempotent)."""
    for module in _MODULES:
        name = f"callqa.analysis.{module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def build_pipeline(
    names: Sequence[str] = DEFAULT_PIPELINE, options: Mapping[str, Mapping[str, Any]] | None = None
) -> Pipeline:
    """The validated pipeline; ``options`` maps an analyzer name to its keyword options."""
    register_builtin_analyzers()
    return Pipeline.from_names(names, options)
