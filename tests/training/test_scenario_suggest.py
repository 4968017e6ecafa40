"""Suggestions from recurring failures on the scored demo calls: ranked by failures then agents, each with
the clearest failure to build from, the period respected, a built scenario linked (SQLite + PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.build import build_from_interaction
from callqa.training.suggest import Period, period_of, suggestions
from scenario_support import ZH_CALL, demo_actor, interaction_id
from support import Database
from web_support import seed

AUTUMN = Period(date(2026, 9, 1), date(2026, 10, 31))


def test_the_most_frequent_failure_comes_first_with_its_clearest_call(db: Database) -> None:
    seed(db)
    with db.factory() as session:
        found = suggestions(session, scorecard="standard", period=AUTUMN, limit=5)
        zh = interaction_id(session, ZH_CALL)
    assert [(s.criterion, s.reason, s.failures, s.agents) for s in found[:2]] == [
        ("hold_etiquette", "loan_mortgage", 4, 4),
        ("recording_disclosure", "loan_mortgage", 4, 4),
    ]
    counts = [(s.failures, s.agents) for s in found]
    assert counts == sorted(counts, reverse=True)
    # Four loan calls failed hold etiquette; the Chinese one quotes its evidence at the highest confidence.
    assert found[0].interaction_id == zh and found[0].confidence == pytest.approx(0.95)
    assert found[0].reason_title == "Loan or mortgage" and found[0].scenario_id is None


def test_a_built_scenario_is_linked_and_the_period_is_respected(db: Database) -> None:
    seed(db)
    with db.factory.begin() as session:
        zh = interaction_id(session, ZH_CALL)
        row = build_from_interaction(
            session,
            demo_actor(session),
            zh,
            scorecard="standard",
            criterion="hold_etiquette",
            origin="suggested",
        )
        built = row.id
        assert row.criterion == "hold_etiquette" and row.origin == "suggested"
    with db.factory() as session:
        top = suggestions(session, scorecard="standard", period=AUTUMN, limit=1)[0]
        assert top.scenario_id == built
        assert (
            suggestions(session, scorecard="standard", period=Period(date(2025, 1, 1), date(2025, 2, 1)))
            == []
        )
        default = period_of(session, None, None)
        assert default.until == date(2026, 10, 21) and (default.until - default.since).days == 89
        with pytest.raises(CallqaError) as caught:
            period_of(session, date(2026, 11, 1), date(2026, 10, 1))
        assert caught.value.code is ErrorCode.T109
        with pytest.raises(CallqaError, match="limit must be 1–100"):
            suggestions(session, scorecard="standard", period=AUTUMN, limit=0)
