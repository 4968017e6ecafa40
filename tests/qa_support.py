"""Build interactions and analyses for engine tests without a database."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from callqa.analysis.base import Analysis
from callqa.analysis.language import LanguageAnalyzer
from callqa.analysis.metrics import compute_metrics, timeline
from callqa.core.config import load_config
from callqa.core.document import Interaction
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.db.migrate import upgrade
from callqa.demo import demo_data_dir
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
from callqa.interactions.queries import get_interaction, list_interactions
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


def manifest() -> list[dict[str, Any]]:
    entries = yaml.safe_load((demo_data_dir() / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


@functools.cache
def demo_interactions() -> dict[str, Interaction]:
    """Every demo interaction by external id, ingested (and redacted) into a throwaway SQLite file."""
    folder = Path(tempfile.mkdtemp(prefix="callqa-analysis-demo-"))
    engine = create_db_engine(f"sqlite:///{folder / 'demo.db'}")
    try:
        upgrade(engine)
        factory = session_factory(engine)
        data = demo_data_dir()
        report = ingest_paths(
            [data],
            factory=factory,
            registry=default_registry(Settings(data_dir=folder)),  # a recording's copy goes here
            config=load_config(data / "callqa.yaml").ingest,
        )
        assert not report.failures, report.failures
        with factory() as session:
            docs = [get_interaction(session, s.id).doc for s in list_interactions(session, limit=None)]
    finally:
        engine.dispose()
    return {doc.external_id: doc for doc in docs}
