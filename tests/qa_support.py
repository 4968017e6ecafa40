"""Build interactions and analyses for engine tests without a database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from callqa.analysis.base import Analysis
from callqa.analysis.language import LanguageAnalyzer
from callqa.analysis.metrics import compute_metrics, timeline
from callqa.interactions.schemas import Interaction
from callqa.scoring.detectors import Context, Services
from callqa.scoring.loader import parse_scorecard

TurnSpec = tuple[str, str, float | None]  # role, text, start in seconds


def make_interaction(
    turns: Sequence[TurnSpec],
    *,
    channel: str = "voice",
    events: Sequence[dict[str, Any]] = (),
    language: str | None = None,
    external_id: str = "t-1",
) -> Interaction:
    return Interaction.model_validate(
        {
            "external_id": external_id,
            "source": "test",
            "channel": channel,
            "started_at": datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
            "language": language,
            "turns": [
                {"role": role, "text": text, "start_ms": None if start is None else int(start * 1000)}
                for role, text, start in turns
            ],
            "events": list(events),
        }
    )


def analysed(doc: Interaction, **annotations: Any) -> Analysis:
    """An analysis with language, metrics and timeline computed, plus any annotations given."""
    analysis = Analysis(doc)
    analysis.annotations.update(LanguageAnalyzer()(analysis))
    line = timeline(doc, hold_gap_s=30, silence_min_s=3, is_hold_request=lambda text: "hold" in text)
    analysis.annotations["timeline"] = line
    analysis.annotations["metrics"] = compute_metrics(doc, line)
    analysis.annotations.update(annotations)
    return analysis


def context(doc: Interaction, **annotations: Any) -> Context:
    return Context.full(analysed(doc, **annotations), Services())


def card_yaml(criteria: str, *, extra: str = "") -> str:
    """A one-section scorecard around the given indented criteria YAML."""
    return f"name: t\ntitle: T\n{extra}sections:\n  - id: s\n    title: S\n    criteria:\n{criteria}"


def card(criteria: str, *, extra: str = "") -> Any:
    return parse_scorecard(card_yaml(criteria, extra=extra), "test.yaml")
