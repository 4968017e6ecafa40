"""Builders for moment / friction / summary tests: small interactions, and the demo set analysed once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callqa.analysis.base import Analysis
from callqa.analysis.language import LanguageAnalyzer
from callqa.analysis.metrics import MetricsAnalyzer
from callqa.core.document import Interaction

# role, text, start seconds (None for untimed), optional end seconds
Spec = tuple[str, str, float | None] | tuple[str, str, float | None, float | None]


def make(
    turns: Sequence[Spec],
    *,
    channel: str = "voice",
    events: Sequence[dict[str, Any]] = (),
    language: str | None = None,
) -> Interaction:
    """An interaction from (role, text, start_s[, end_s]) tuples."""
    rows = []
    for spec in turns:
        role, text, start = spec[0], spec[1], spec[2]
        end = spec[3] if len(spec) > 3 else None
        rows.append(
            {
                "role": role,
                "text": text,
                "start_ms": None if start is None else int(start * 1000),
                "end_ms": None if end is None else int(end * 1000),
            }
        )
    return Interaction.model_validate(
        {
            "external_id": "t-1",
            "source": "test",
            "channel": channel,
            "language": language,
            "turns": rows,
            "events": list(events),
        }
    )


def analysed(doc: Interaction, *, language: bool = False, **annotations: Any) -> Analysis:
    """An analysis with ``redacted``, metrics and timeline (and language if asked), plus ``annotations``."""
    analysis = Analysis(doc, {"redacted": True})
    analysis.annotations.update(MetricsAnalyzer()(analysis))
    if language:
        analysis.annotations.update(LanguageAnalyzer()(analysis))
    analysis.annotations.update(annotations)
    return analysis
