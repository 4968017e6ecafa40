"""Root causes over stored interactions (callqa.insights.causes): the causes planted in the synthetic centre
are found, for each kind of outcome, and nothing is reported where nothing was planted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from callqa.core.query import InteractionQuery
from callqa.insights.causes import DIMENSIONS, UnknownOutcome, handle_line, outcome, root_causes, tally
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from support import Database, seeded

pytestmark = pytest.mark.issue(7)
PERIOD = InteractionQuery.on_days(date(2026, 8, 2), date(2026, 10, 31))


def _build_centre(db: Database) -> None:
    with db.factory.begin() as session:
        generate_centre(
            session, CentreShape(count=6000, agents=40, teams=4, days=91, until=date(2026, 10, 31))
        )
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))


@pytest.fixture
def centre(db: Database) -> Database:
    """The synthetic centre, refreshed (generated once per backend, then restored from a snapshot)."""
    seeded(db, "causes-centre", _build_centre)
    return db


def found(drivers: list, dimension: str, value: str) -> bool:  # type: ignore[type-arg]
    return any(d.dimension == dimension and d.value == value and d.lift > 1 for d in drivers)


def test_the_planted_causes_are_found(centre: Database) -> None:
    with centre.factory() as session:
        what, tally, drivers = root_causes(session, PERIOD, "low_score")
        assert tally.total == 6000 and 0 < tally.positives < 1000
        top = {(d.dimension, d.value) for d in drivers[:2]}
        assert top == {("hour", "09:00"), ("tenure", "< 3 months")}  # the morning rush, new hires
        assert drivers[0].finding(what.label).startswith("Low score is ")
        assert all(d.q <= 0.05 for d in drivers)
        assert not any(d.dimension == "weekday" for d in drivers)  # nothing planted on weekdays

        _, _, failing = root_causes(session, PERIOD, "failed:solution_explained")
        assert (failing[0].dimension, failing[0].value) == ("queue", "loans")
        assert failing[0].lift > 2

        _, csat, unhappy = root_causes(session, PERIOD, "low_csat")
        assert csat.total < 6000 / 2  # only surveyed interactions count
        assert found(unhappy, "queue", "loans")

        line = handle_line(session, PERIOD)
        what, _, slow = root_causes(session, PERIOD, "long_handle")
        assert f"over {line / 1000:.0f} s" in what.label
        assert found(slow, "channel", "chat") and found(slow, "hour", "09:00")


def test_scope_and_bad_outcomes(centre: Database) -> None:
    with centre.factory() as session:
        one = PERIOD.but(agent="agent-0001")
        _, tally, _ = root_causes(session, one, "low_score")
        assert tally.total < 400 and "agent" not in tally.groups
        team = PERIOD.but(teams=frozenset({"Team 01"}))
        _, counted, _ = root_causes(session, team, "auto_failed", ["agent"])
        assert all(value.startswith("agent-") for value in counted.groups["agent"])
        assert sum(n for n, _ in counted.groups["agent"].values()) == counted.total
        with pytest.raises(UnknownOutcome, match="outcome 'slow'"):
            root_causes(session, PERIOD, "slow")


@pytest.mark.parametrize(
    "key", ["low_score", "auto_failed", "low_csat", "long_handle", "recontact", "failed:solution_explained"]
)
def test_counts_from_the_rollups_equal_counts_from_the_facts(centre: Database, key: str) -> None:
    with centre.factory() as session:
        what = outcome(session, PERIOD, key)
        assert what.sums is not None
        from_rollups = tally(session, PERIOD, what, DIMENSIONS)
        from_facts = tally(session, PERIOD, replace(what, sums=None), DIMENSIONS)
    assert from_rollups == from_facts
    assert set(from_rollups.groups) == set(DIMENSIONS)
    assert 0 < from_rollups.positives < from_rollups.total
