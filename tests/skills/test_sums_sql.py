"""The skill profiles' sums added up by the database (callqa.skills.sums) equal those added up in Python one
fact at a time (tests/skills_reference.py), on hand-built edge cases, the demo and the synthetic centre,
on SQLite and PostgreSQL: the same cells, counts, sums, baselines, and so the same levels."""

from __future__ import annotations

import math
import sqlite3
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from callqa.db.engine import natural_log
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from callqa.skills.profiles import Profiles, SkillQuery, build_profiles
from callqa.skills.sums import SUM_FIELDS, CellSums, cell_sums
from skills_reference import python_profiles, python_sums
from skills_support import Call, add_calls, floor
from support import Database
from web_support import seed

pytestmark = pytest.mark.issue(21)
CLOSE = {"rel": 1e-9, "abs": 1e-9}
EVERYTHING = SkillQuery()


def assert_same_sums(sql: CellSums, python: CellSums) -> None:
    assert sql.baselines == python.baselines  # medians of integers: exact
    assert sql.cells.keys() == python.cells.keys()
    for key, ours in sql.cells.items():
        theirs = python.cells[key]
        for name in SUM_FIELDS:
            assert getattr(ours, name) == pytest.approx(getattr(theirs, name), **CLOSE), (key, name)


def assert_same_profiles(sql: Profiles, python: Profiles) -> None:
    assert sql.baselines == python.baselines
    assert [(c.agent, c.kind, c.reason, c.language, c.channel, c.n, c.level) for c in sql.cells] == [
        (c.agent, c.kind, c.reason, c.language, c.channel, c.n, c.level) for c in python.cells
    ]
    for ours, theirs in zip(sql.cells, python.cells, strict=True):
        for name in ("composite", "handle_ratio", "qa_low", "csat_high", "predicted_csat", "recontact"):
            value = getattr(theirs, name)
            assert getattr(ours, name) == (value if value is None else pytest.approx(value, **CLOSE)), name
        assert ours.estimate.qa == pytest.approx(theirs.estimate.qa, **CLOSE)
        assert ours.sentence == theirs.sentence


def both(session: Session, query: SkillQuery = EVERYTHING) -> Profiles:
    """Profiles the database's way, checked against Python's, sums and all."""
    first, last = query.first, query.last
    assert_same_sums(cell_sums(session, first, last), python_sums(session, first, last))
    found = build_profiles(session, query)
    assert_same_profiles(found, python_profiles(session, query))
    return found


def test_edge_cases_agree(db: Database) -> None:
    even = [Call("even", "Team B", "refund", 95.0, 5.0, s) for s in (100, 200, 301, 400)]  # median 250.5
    few_good = [Call("few", "Team B", "fees", 40.0, None, s, channel="chat") for s in (60, 90, 30)]
    untimed = [Call("untimed", "Team B", "fees", 80.0, 2.0, 0, True, "lt")] * 3
    predicted = [Call("floor", "Team C", "", 85.0, None, 200)]  # no reason: only in the roll-ups
    with db.factory.begin() as session:
        add_calls(session, floor() + even + few_good + untimed + predicted)
    with db.factory() as session:
        profiles = both(session)
        sums = cell_sums(session)
    assert profiles.baselines[("refund", "voice")] == 250.5
    assert profiles.baselines[("fees", "chat")] == 60.0  # too few good: the median of all
    assert ("fees", "voice") not in profiles.baselines  # no handle time at all
    untimed_cell = sums.cells[("untimed", "Team B", "fees", "lt", "voice")]
    assert (untimed_cell.n, untimed_cell.handled, untimed_cell.recontact) == (3, 0, 3)
    assert untimed_cell.log_ratio == 0.0 and untimed_cell.surveyed == 3 and untimed_cell.csat == 6.0


def test_a_period_and_filters_agree(db: Database) -> None:
    with db.factory.begin() as session:
        add_calls(session, floor() + floor("Team B"))
    with db.factory() as session:
        both(session, SkillQuery(first=date(2026, 10, 1), last=date(2026, 10, 1), team="Team B"))
        assert not both(session, SkillQuery(first=date(2026, 10, 2))).cells


def test_the_demo_agrees(db: Database) -> None:
    seed(db)
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        profiles = both(session)
    assert len(profiles.cells) > 20 and profiles.baselines


def test_the_synthetic_centre_agrees(db: Database) -> None:
    shape = CentreShape(count=3000, agents=30, teams=3, days=60, until=date(2026, 11, 1))
    with db.factory.begin() as session:
        generate_centre(session, shape)
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        profiles = both(session)
        both(session, SkillQuery(first=date(2026, 10, 1), last=date(2026, 10, 31)))
    assert {c.level for c in profiles.of_kind("reason")} >= {2, 3, 4}
    assert len(profiles.baselines) >= 20


def test_a_sqlite_without_math_functions_gets_ln() -> None:
    connection = sqlite3.connect(":memory:")
    connection.create_function("ln", 1, natural_log, deterministic=True)  # as the engine does when missing
    rows = connection.execute("SELECT ln(x) FROM (SELECT 2.0 AS x UNION ALL SELECT 0 UNION ALL SELECT NULL)")
    assert [r[0] for r in rows] == [pytest.approx(math.log(2)), None, None]
