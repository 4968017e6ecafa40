"""Builders for moment / friction / summary tests: small interactions, and the demo set analysed once."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from callqa.analysis.base import Analysis
from callqa.analysis.language import LanguageAnalyzer
from callqa.analysis.metrics import MetricsAnalyzer
from callqa.db.engine import create_db_engine, session_factory
from callqa.db.migrate import upgrade
from callqa.demo import demo_data_dir
from callqa.ingest.config import load_config
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
from callqa.interactions.queries import get_interaction, list_interactions
from callqa.interactions.schemas import Interaction

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
            registry=default_registry(),
            config=load_config(data / "callqa.yaml").ingest,
        )
        assert not report.failures, report.failures
        with factory() as session:
            docs = [get_interaction(session, s.id).doc for s in list_interactions(session, limit=None)]
    finally:
        engine.dispose()
    return {doc.external_id: doc for doc in docs}
