"""The standard scorecard on the bundled demo: every interaction gets the outcome its manifest expects."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from callqa.analysis.defaults import build_pipeline
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo import demo_data_dir
from callqa.ingest.config import load_config
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
from callqa.interactions.queries import get_interaction, list_interactions
from callqa.interactions.schemas import Interaction
from callqa.scoring.detectors import Services
from callqa.scoring.engine import Evaluation, evaluate
from callqa.scoring.loader import load_scorecard

pytestmark = pytest.mark.issue(3)


def _manifest() -> list[dict[str, Any]]:
    entries = yaml.safe_load((demo_data_dir() / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


MANIFEST = _manifest()


def _ingest_demo(db_path: Path) -> list[Interaction]:
    """The demo files through the real ingest path (parsing, redaction, storage), read back."""
    engine = create_db_engine(f"sqlite:///{db_path}")
    try:
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
            return [get_interaction(session, s.id).doc for s in list_interactions(session, limit=None)]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, Evaluation]:
    """Every demo interaction analysed by the default pipeline and scored with ``standard``, once."""
    db_path = tmp_path_factory.mktemp("demo-outcomes") / "demo.db"
    shutil.copyfile(sqlite_template, db_path)
    docs = _ingest_demo(db_path)
    pipeline = build_pipeline()
    card = load_scorecard("standard")
    services = Services()  # one embedder for all interactions
    return {doc.external_id: evaluate(pipeline.run(doc), card, services) for doc in docs}


@pytest.mark.parametrize("entry", MANIFEST, ids=[str(e["external_id"]) for e in MANIFEST])
def test_standard_scorecard_gives_the_expected_outcome(
    entry: dict[str, Any], evaluations: dict[str, Evaluation]
) -> None:
    evaluation = evaluations.get(str(entry["external_id"]))
    assert evaluation is not None, f"{entry['external_id']} ({entry['file']}) was not ingested"
    mismatches = []
    for criterion, expected in entry["expected"].items():
        result = evaluation.result(criterion)
        if result.outcome != expected:
            got = result.outcome
            mismatches.append(f"  {criterion}: expected {expected}, got {got} — {result.explanation}")
    assert not mismatches, f"{entry['external_id']} ({entry['file']}):\n" + "\n".join(mismatches)


def test_manifest_expects_every_scored_criterion_both_ways() -> None:
    """Each criterion the manifest checks exists in the scorecard and is expected to pass and to fail."""
    card_criteria = {c.spec.id for c in load_scorecard("standard").criteria}
    covered = {criterion for entry in MANIFEST for criterion in entry["expected"]}
    assert covered <= card_criteria, f"not in the scorecard: {sorted(covered - card_criteria)}"
    for criterion in sorted(covered):
        outcomes = Counter(str(e["expected"].get(criterion)) for e in MANIFEST)
        assert outcomes["pass"] > 0 and outcomes["fail"] > 0, f"{criterion}: {dict(outcomes)}"
