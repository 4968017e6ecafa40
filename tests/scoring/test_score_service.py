"""Scoring stored interactions on SQLite and PostgreSQL: selection, storage, history, failures, export."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select

from callqa.analysis.base import Analysis
from callqa.analysis.defaults import build_pipeline
from callqa.analysis.pipeline import Pipeline
from callqa.interactions.service import StoreItem, store_interactions
from callqa.scoring.models import (
    AnalysisRow,
    CriterionResultRow,
    EvaluationRow,
    ScorecardRow,
    ScoreFailureRow,
)
from callqa.scoring.queries import evaluations_for, export_records
from callqa.scoring.service import score_stored
from qa_support import card, make_interaction
from support import Database

pytestmark = [pytest.mark.issue(3), pytest.mark.db]

CRITERIA = """      - id: greeting
        title: Greeting
        detector: {type: phrase, phrases: [hello]}
      - id: thanks
        title: Thanks
        detector: {type: phrase, within: {last_turns: 1}, phrases: [thank you]}
"""


def _store(db: Database, docs: list[Any]) -> list[int]:
    with db.factory.begin() as session:
        return [s.interaction_id or 0 for s in store_interactions(session, [StoreItem(d) for d in docs])]


def _docs() -> list[Any]:
    return [
        make_interaction(
            [("agent", "Hello, Acme Bank.", 0), ("agent", "Thank you, goodbye.", 20)], external_id="a"
        ),
        make_interaction([("agent", "Yes?", 0), ("agent", "Bye.", 20)], external_id="b"),
    ]


def _pipeline() -> Pipeline:
    return build_pipeline(["callqa.redact.v1", "callqa.language.v1"])


def _count(db: Database, model: Any, *where: Any) -> int:
    with db.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_scores_stores_and_skips_what_is_up_to_date(db: Database) -> None:
    ids = _store(db, _docs())
    report = score_stored(db.factory, card(CRITERIA), pipeline=_pipeline())
    assert (report.selected, report.scored, report.failures) == (2, 2, [])
    assert sorted(report.scores) == [0.0, 100.0]
    with db.factory() as session:
        [ev] = evaluations_for(session, ids[0])
        assert ev.score == 100.0 and ev.scorecard == "t" and ev.scorecard_version == 1 and ev.is_current
        greeting = next(c for c in ev.criteria if c["id"] == "greeting")
        assert greeting["evidence"][0]["text"] == "Hello" and greeting["evidence"][0]["start_ms"] == 0
    assert _count(db, CriterionResultRow) == 4 and _count(db, AnalysisRow) == 2
    again = score_stored(db.factory, card(CRITERIA), pipeline=_pipeline())
    assert (again.selected, again.scored) == (0, 0)
    assert _count(db, EvaluationRow) == 2


def test_changed_scorecard_is_a_new_version_and_rescoring_keeps_history(db: Database) -> None:
    ids = _store(db, _docs())
    score_stored(db.factory, card(CRITERIA), pipeline=_pipeline())
    changed = card(CRITERIA.replace("phrases: [hello]", "phrases: [hello, yes]"))
    assert score_stored(db.factory, changed, pipeline=_pipeline()).selected == 0  # no --rescore: untouched
    report = score_stored(db.factory, changed, pipeline=_pipeline(), rescore=True)
    assert (report.version, report.scored) == (2, 2)
    with db.factory() as session:
        history = evaluations_for(session, ids[1], current_only=False)
        assert [(e.scorecard_version, e.is_current, e.score) for e in history] == [
            (2, True, 50.0),
            (1, False, 0.0),
        ]
        assert session.scalar(select(func.count()).select_from(ScorecardRow)) == 2
    assert _count(db, EvaluationRow, EvaluationRow.is_current.is_(True)) == 2


def test_changed_interaction_is_rescored_without_flag(db: Database) -> None:
    _store(db, _docs())
    score_stored(db.factory, card(CRITERIA), pipeline=_pipeline())
    updated = make_interaction([("agent", "Hello!", 0), ("agent", "Bye.", 20)], external_id="b")
    _store(db, [updated])
    report = score_stored(db.factory, card(CRITERIA), pipeline=_pipeline())
    assert report.selected == 1 and report.scores == [50.0]


class _Explodes:
    name: ClassVar[str] = "test.explodes.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction",)
    assigns: ClassVar[tuple[str, ...]] = ()

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        if analysis.interaction.external_id == "b":
            raise ValueError("cannot analyse this one")
        return {}


def test_a_failing_interaction_is_reported_and_the_batch_goes_on(db: Database) -> None:
    ids = _store(db, _docs())
    pipeline = Pipeline([*_pipeline().stages, _Explodes()])
    report = score_stored(db.factory, card(CRITERIA), pipeline=pipeline, batch_size=10)
    assert report.scored == 1
    [failure] = report.failures
    assert (failure.external_id, failure.interaction_id) == ("b", ids[1])
    assert "cannot analyse this one" in failure.reason
    assert _count(db, EvaluationRow) == 1


def test_export_records_have_the_documented_shape(db: Database) -> None:
    _store(db, _docs())
    score_stored(db.factory, card(CRITERIA), pipeline=_pipeline())
    with db.factory() as session:
        records = list(export_records(session, chunk=1))
    assert [r["external_id"] for r in records] == ["a", "b"]
    a = records[0]
    for key in (
        "external_id",
        "channel",
        "language",
        "agent",
        "team",
        "score",
        "auto_failed",
        "criteria",
        "sentiment",
        "moments",
        "metrics",
    ):
        assert key in a
    assert a["score"] == 100.0 and a["auto_failed"] is False
    # not reviewed: the AI's score is the final one
    assert (a["ai_score"], a["reviewed_score"], a["final_score"], a["review_state"]) == (
        100.0,
        None,
        100.0,
        None,
    )
    assert a["criteria"][0] == {
        "id": "greeting",
        "section": "s",
        "outcome": "pass",
        "ai_outcome": "pass",
        "reviewed_outcome": None,
        "confidence": 0.9,
        "explanation": a["criteria"][0]["explanation"],
        "evidence": [{"turn": 0, "start_ms": 0, "end_ms": None, "text": "Hello"}],
    }
    assert set(a["sentiment"]) == {"customer", "agent"}


class _Slow:
    """Takes 8 s on one interaction, as a hostile input can make a real stage take; with
    ``embedding_texts`` it runs after the pipeline's split (in the finishing half, like the embedders)."""

    requires: ClassVar[tuple[str, ...]] = ("interaction",)
    assigns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, name: str, slow_on: str) -> None:
        self.name, self.slow_on = name, slow_on  # type: ignore[misc]

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        if analysis.interaction.external_id == self.slow_on:
            time.sleep(8)
        return {}


class _SlowLate(_Slow):
    def embedding_texts(self, analysis: Analysis) -> list[str]:
        return []


@pytest.mark.issue(18)
def test_an_interaction_over_its_time_budget_is_failed_and_the_batch_is_stored(db: Database) -> None:
    docs = [
        *_docs(),
        make_interaction([("agent", "Hello.", 0)], external_id="slow-early"),
        make_interaction([("agent", "Hello.", 0)], external_id="slow-late"),
    ]
    ids = _store(db, docs)
    pipeline = Pipeline(
        [
            _Slow("test.slow_early.v1", "slow-early"),
            *_pipeline().stages,
            _SlowLate("test.slow_late.v1", "slow-late"),
        ]
    )
    pipeline.run(docs[0])  # models loaded before the clock starts
    began = time.monotonic()
    report = score_stored(db.factory, card(CRITERIA), pipeline=pipeline, batch_size=10, budget_s=1.5)
    assert time.monotonic() - began < 7  # neither sleeper was waited for (8 s each)
    assert report.scored == 2
    assert sorted((f.external_id, f.reason[:6]) for f in report.failures) == [
        ("slow-early", "[S106]"),
        ("slow-late", "[S106]"),
    ]
    assert "budget of 1.5 s" in report.failures[0].reason
    with db.factory() as session:
        stored = session.execute(select(ScoreFailureRow.interaction_id, ScoreFailureRow.message)).all()
        assert sorted(i for i, _ in stored) == ids[2:]
        assert all(m.startswith("[S106]") for _, m in stored)
        evaluated = set(session.scalars(select(EvaluationRow.interaction_id)))
    assert evaluated == set(ids[:2])
