"""QA against CSAT (callqa.insights.csat) on constructed interactions with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callqa.core.query import InteractionQuery
from callqa.core.stats import spearman
from callqa.insights.csat import criterion_effects, overview, quadrant
from callqa.insights.dashboard import summary
from callqa.insights.refresh import InsightConfig, refresh_insights
from insights_support import add, scorecard
from support import Database

pytestmark = pytest.mark.issue(7)
MAY = InteractionQuery.on_days(date(2026, 5, 1), date(2026, 5, 31))


def test_quadrants() -> None:
    assert quadrant(False, 5) == "compliant_happy"
    assert quadrant(False, 2) == "compliant_unhappy"
    assert quadrant(True, 4) == "noncompliant_happy"
    assert quadrant(True, 1) == "noncompliant_unhappy"
    assert quadrant(False, 3) is None


def test_overview_and_which_criterion_moves_csat(db: Database) -> None:
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    rows = []
    with db.factory.begin() as session:
        card = scorecard(session)
        for i in range(60):
            empathic = i % 3 != 0  # a third fail empathy, and those customers rate 2 instead of 4 or 5
            rating = (4 + i % 2) if empathic else 2
            score = 85.0 if empathic else 60.0
            criteria = {
                "empathy": "pass" if empathic else "fail",
                "greeting": "pass" if (i // 2) % 2 == 0 else "fail",
            }
            add(session, card, start + timedelta(hours=i), score=score, csat=rating, criteria=criteria)
            rows.append((score, rating))
        add(session, card, start, score=95.0)  # not surveyed: left out
        add(session, card, start, csat=5)  # not scored: left out
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        seen = overview(session, MAY)
        effects = {e.criterion: e for e in criterion_effects(session, MAY)}
    assert seen.n == 60
    assert seen.quadrants == {
        "compliant_happy": 40,
        "compliant_unhappy": 0,
        "noncompliant_happy": 0,
        "noncompliant_unhappy": 20,
    }
    assert seen.spearman is not None
    assert seen.spearman.r == pytest.approx(spearman([s for s, _ in rows], [c for _, c in rows]).r)
    assert dict((start, n) for start, n, _ in seen.by_score) == {
        0: 0,
        10: 0,
        20: 0,
        30: 0,
        40: 0,
        50: 0,
        60: 20,
        70: 0,
        80: 40,
        90: 0,
    }
    empathy = effects["empathy"]
    assert (empathy.passed_n, empathy.failed_n) == (40, 20)
    assert empathy.passed_csat == pytest.approx(4.5) and empathy.failed_csat == pytest.approx(2.0)
    assert empathy.difference == pytest.approx(2.5) and empathy.low < 2.5 < empathy.high
    assert empathy.cliffs_delta == pytest.approx(1.0) and empathy.moves_csat
    assert not effects["greeting"].moves_csat  # passed on every other pair: the same ratings either way
    assert next(iter(effects)) == "empathy"


def test_the_low_score_line_is_the_one_the_refresh_was_given(db: Database) -> None:
    """A score on the line is compliant; a new line (a changed setting) re-sorts every quadrant and count
    at the next refresh, for the facts and the roll-ups alike."""
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    with db.factory.begin() as session:
        card = scorecard(session)
        for score in (70.0, 69.9, 72.0):
            add(session, card, start, score=score, csat=5, criteria={"greeting": "pass"})

    def seen(low_score: float) -> tuple[dict[str, int], int, int]:
        refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC"), low_score=low_score))
        with db.factory() as session:
            one_agent = summary(session, MAY.but(agent="ann"))
            return overview(session, MAY).quadrants, summary(session, MAY).low, one_agent.low

    # the centre's count comes from the roll-ups, the agent's from the facts: both read the same flag
    quadrants, low, agent_low = seen(70.0)
    assert (quadrants["compliant_happy"], quadrants["noncompliant_happy"], low, agent_low) == (2, 1, 1, 1)
    quadrants, low, agent_low = seen(75.0)
    assert (quadrants["compliant_happy"], quadrants["noncompliant_happy"], low, agent_low) == (0, 3, 3, 3)
