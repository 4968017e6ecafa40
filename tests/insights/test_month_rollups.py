"""Month roll-ups (callqa.insights.rollups): each the sum of its day roll-up and of the facts, kept exact by
the refresh, and dashboards over periods that cut months read the same figures as the day rows give."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.causes import root_causes
from callqa.insights.dashboard import rollup_query
from callqa.insights.models import MONTHLY, InsightCriterionMonthlyRow, InsightFactRow, InsightMonthlyRow
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import InteractionRow
from insights_support import add, evaluate, scorecard
from support import Database

pytestmark = pytest.mark.issue(7)
SHANGHAI = InsightConfig(ZoneInfo("Asia/Shanghai"))
UTC_CONFIG = InsightConfig(ZoneInfo("UTC"))


def _keys_and_sums(month_table: Any) -> tuple[list[str], list[str]]:
    table = month_table.__table__
    return [c.name for c in table.primary_key.columns], [c.name for c in table.columns if not c.primary_key]


def month_rows(session: Session, month_table: Any) -> dict[tuple[Any, ...], tuple[float, ...]]:
    keys, sums = _keys_and_sums(month_table)
    rows = session.execute(select(month_table.__table__)).mappings()
    return {tuple(r[k] for k in keys): tuple(round(float(r[s]), 6) for s in sums) for r in rows}


def summed_days(
    session: Session, day_table: Any, month_table: Any
) -> dict[tuple[Any, ...], tuple[float, ...]]:
    """The day roll-up's rows added up per month in Python: what the month roll-up must hold."""
    keys, sums = _keys_and_sums(month_table)
    out: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0.0] * len(sums))
    for r in session.execute(select(day_table.__table__)).mappings():
        key = tuple(r["day"].replace(day=1) if k == "month" else r[k] for k in keys)
        out[key] = [a + float(r[s]) for a, s in zip(out[key], sums, strict=True)]
    return {k: tuple(round(v, 6) for v in values) for k, values in out.items()}


def monthly_from_facts(session: Session) -> dict[tuple[Any, ...], tuple[int, int, float]]:
    """Interactions, scored ones and their score sum per local month, team and channel, from the facts."""
    f = InsightFactRow
    out: dict[tuple[Any, ...], tuple[int, int, float]] = {}
    for day, team, channel, score in session.execute(select(f.day, f.team, f.channel, f.score)):
        key = (day.replace(day=1), team, channel)
        n, scored, total = out.get(key, (0, 0, 0.0))
        out[key] = (n + 1, scored + (score is not None), total + (score or 0))
    return out


def assert_months_exact(db: Database) -> None:
    with db.factory() as session:
        for day_table, month_table in MONTHLY.items():
            expected = summed_days(session, day_table, month_table)
            assert month_rows(session, month_table) == expected, month_table.__tablename__
        m = InsightMonthlyRow
        stored = session.execute(select(m.month, m.team, m.channel, m.n, m.scored, m.score_sum))
        assert {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in stored} == monthly_from_facts(session)


def test_month_rollups_stay_the_sum_of_days_and_facts_after_rescores_and_late_changes(db: Database) -> None:
    def utc(*args: int) -> datetime:
        return datetime(*args, tzinfo=UTC)

    with db.factory.begin() as session:
        card = scorecard(session)
        moved_month = add(session, card, utc(2026, 2, 27, 10), score=50)  # 27 Feb 18:00 in Shanghai
        moved_team = add(session, card, utc(2026, 2, 28, 17), score=80)  # 1 March 01:00 in Shanghai
        south = {"agent": "bob", "team": "South", "channel": "chat"}
        rescored = add(session, card, utc(2026, 3, 15, 2), score=70, criteria={"greeting": "pass"}, **south)
        surveyed = add(session, card, utc(2026, 3, 31, 15, 30), score=90, **south)
        add(session, card, utc(2026, 3, 31, 16, 30), score=60)  # 1 April 00:30 in Shanghai
        add(session, card, utc(2026, 4, 20, 1), agent="cy", channel="email")  # not scored
    assert refresh_insights(db.factory, SHANGHAI).full
    assert_months_exact(db)
    with db.factory() as session:
        months = session.execute(
            select(InsightMonthlyRow.month, func.sum(InsightMonthlyRow.n)).group_by(InsightMonthlyRow.month)
        )
        assert dict(months.all()) == {date(2026, 2, 1): 1, date(2026, 3, 1): 3, date(2026, 4, 1): 2}
    with db.factory.begin() as session:
        evaluate(session, card, rescored, 20.0, {"greeting": "fail"})
        now = datetime.now(UTC)
        changes = {
            surveyed: {"csat": 2, "csat_scale": 5},  # a survey arrived late
            moved_team: {"team": "East"},
            moved_month: {"started_at": utc(2026, 4, 2, 2)},  # its start corrected: February had only it
        }
        for ident, values in changes.items():
            session.execute(
                update(InteractionRow).where(InteractionRow.id == ident).values(**values, updated_at=now)
            )
    assert not refresh_insights(db.factory, SHANGHAI).full
    assert_months_exact(db)
    with db.factory() as session:
        m = InsightMonthlyRow
        rows = session.execute(
            select(m.month, m.team, m.channel, m.n, m.scored, m.score_sum, m.csat_n, m.low)
        )
        assert {tuple(r[:3]): tuple(r[3:]) for r in rows} == {
            (date(2026, 3, 1), "East", "voice"): (1, 1, 80, 0, 0),
            (date(2026, 3, 1), "South", "chat"): (2, 2, 110, 1, 1),
            (date(2026, 4, 1), "North", "voice"): (2, 2, 110, 0, 2),
            (date(2026, 4, 1), "North", "email"): (1, 0, 0, 0, 0),
        }
        criteria = select(InsightCriterionMonthlyRow.passed, InsightCriterionMonthlyRow.failed)
        assert session.execute(criteria).all() == [(0, 1)]  # the re-score failed greeting
        for month_table in MONTHLY.values():  # February's last interaction moved out: its rows are gone
            assert not [k for k in month_rows(session, month_table) if date(2026, 2, 1) in k]


@pytest.fixture
def quarter(db: Database) -> Database:
    """15 January – 10 April 2026 (UTC) cuts January and April: two interactions on each edge, three in the
    whole months, and four just outside the period."""
    with db.factory.begin() as session:
        card = scorecard(session)

        def call(at: datetime, score: float, criterion: str, **kw: Any) -> None:
            add(session, card, at, score=score, criteria={"greeting": criterion}, **kw)

        call(datetime(2026, 1, 20, 9, tzinfo=UTC), 40, "fail", csat=2)  # Tuesday
        south = {"agent": "bob", "team": "South", "channel": "chat"}
        call(datetime(2026, 2, 3, 10, tzinfo=UTC), 90, "pass", language="zh", **south)
        call(datetime(2026, 3, 16, 9, tzinfo=UTC), 60, "fail", csat=5)  # Monday
        call(datetime(2026, 3, 31, 23, tzinfo=UTC), 100, "pass", **south)
        call(datetime(2026, 4, 1, 0, 30, tzinfo=UTC), 75, "pass", agent="cy", queue="loans")  # Wednesday
        call(datetime(2026, 4, 10, 15, tzinfo=UTC), 5, "fail", auto_failed=True)  # Friday
        for month, day in ((1, 10), (1, 14), (4, 11), (4, 20)):
            call(datetime(2026, month, day, 12, tzinfo=UTC), 20, "fail", agent="dan")
    refresh_insights(db.factory, UTC_CONFIG)
    return db


PERIOD = InteractionQuery.on_days(date(2026, 1, 15), date(2026, 4, 10))


def test_a_period_cutting_months_at_both_ends_gives_the_figures_of_its_facts(quarter: Database) -> None:
    with quarter.factory() as session:
        t = dashboard.summary(session, PERIOD)
        assert (t.n, t.scored, t.score_sum, t.low, t.auto_failed) == (6, 6, 370, 3, 1)
        assert (t.csat_n, t.csat_sum) == (2, 7)
        assert dashboard.score_distribution(session, PERIOD) == [1, 0, 0, 0, 1, 0, 1, 1, 0, 2]
        assert [
            (p.start, p.end, p.totals.n, p.totals.score_sum)
            for p in dashboard.trend(session, PERIOD, "month")
        ] == [
            (date(2026, 1, 15), date(2026, 1, 31), 1, 40),
            (date(2026, 2, 1), date(2026, 2, 28), 1, 90),
            (date(2026, 3, 1), date(2026, 3, 31), 2, 160),
            (date(2026, 4, 1), date(2026, 4, 10), 2, 80),
        ]
        assert sum(p.totals.n for p in dashboard.trend(session, PERIOD, "week")) == 6
        heat = dashboard.heat_map(session, PERIOD)
        assert {(d, h): c.n for d, row in enumerate(heat.cells) for h, c in enumerate(row) if c.n} == {
            (1, 9): 1, (1, 10): 1, (0, 9): 1, (1, 23): 1, (2, 0): 1, (4, 15): 1,
        }  # fmt: skip
        assert [(a.agent, a.totals.n, a.totals.score_sum) for a in dashboard.agents(session, PERIOD)] == [
            ("ann", 3, 105),
            ("cy", 1, 75),
            ("bob", 2, 190),
        ]
        volumes = {
            key: {v: t.n for v, t in dashboard.volume(session, PERIOD, key)}
            for key in ("channel", "team", "queue", "language")
        }
        assert volumes == {
            "channel": {"voice": 4, "chat": 2},
            "team": {"North": 4, "South": 2},
            "queue": {"cards": 5, "loans": 1},
            "language": {"en": 5, "zh": 1},
        }
        (greeting,) = dashboard.criterion_rates(session, PERIOD)
        assert (greeting.passed, greeting.failed) == (3, 3)
        _, low, _ = root_causes(session, PERIOD, "low_score", ["team"])
        assert (low.total, low.positives, low.groups["team"]) == (6, 3, {"North": (4, 3), "South": (2, 0)})
        north = PERIOD.but(team="North")
        assert dashboard.summary(session, north).n == 4
        for agent in ("ann", "bob", "cy"):  # one agent's view reads the facts: the same totals
            line = next(a for a in dashboard.agents(session, PERIOD) if a.agent == agent)
            alone = PERIOD.but(agent=agent)
            t = dashboard.summary(session, alone)
            assert (t.n, t.score_sum, t.low, t.auto_failed, t.csat_sum) == (
                line.totals.n,
                line.totals.score_sum,
                line.totals.low,
                line.totals.auto_failed,
                line.totals.csat_sum,
            )


@pytest.mark.parametrize(
    "period",
    [
        PERIOD,
        InteractionQuery.on_days(date(2026, 2, 1), date(2026, 3, 31)),
        InteractionQuery.on_days(date(2026, 1, 20), date(2026, 2, 10)),
    ],
    ids=["both ends cut", "whole months", "no whole month"],
)
def test_month_and_day_rollups_read_alike_for_any_period(quarter: Database, period: InteractionQuery) -> None:
    with quarter.factory() as session:
        for day_table, month_table in MONTHLY.items():
            with_months = read_all(session, period, day_table, month_table, months=True)
            assert with_months == read_all(session, period, day_table, month_table, months=False) != []


def read_all(
    session: Session, period: InteractionQuery, day_table: Any, month_table: Any, *, months: bool
) -> list[tuple[Any, ...]]:
    """Every sum the month roll-up keeps, per all its keys, over the period (``months`` False: days only)."""
    keys, sums = _keys_and_sums(month_table)
    keys.remove("month")
    query = rollup_query(
        period, day_table, keys, lambda table: [func.sum(getattr(table, s)) for s in sums], months=months
    )
    return sorted((*r[: len(keys)], *(float(v) for v in r[len(keys) :])) for r in session.execute(query))
