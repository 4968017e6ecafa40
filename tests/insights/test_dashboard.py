"""Dashboard queries (callqa.insights.dashboard) on constructed interactions with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.refresh import InsightConfig, refresh_insights
from insights_support import add, scorecard
from support import Database

pytestmark = pytest.mark.issue(7)
UTC_CONFIG = InsightConfig(ZoneInfo("UTC"))


@pytest.fixture
def centre(db: Database) -> Database:
    """March 2026 (UTC): North (ann, bob) and South (cy); known scores, hours, channels, CSAT."""
    with db.factory.begin() as session:
        card = scorecard(session)
        # ann: Monday 2 March 09:xx, four voice calls scoring 10, 30, 50, 95
        for i, score in enumerate((10, 30, 50, 95)):
            add(
                session,
                card,
                datetime(2026, 3, 2, 9, i, tzinfo=UTC),
                score=score,
                agent="ann",
                criteria={"greeting": "fail" if score < 40 else "pass", "disclosure": "pass"},
                csat=4,
            )
        # bob: Wednesday 11 March 14:xx, two chats scoring 80 and 100 (one auto-failed at 0)
        add(
            session,
            card,
            datetime(2026, 3, 11, 14, tzinfo=UTC),
            score=80,
            agent="bob",
            channel="chat",
            criteria={"greeting": "pass", "disclosure": "n/a"},
            csat=10,
            csat_scale=10,
            duration_ms=600_000,
        )
        add(
            session,
            card,
            datetime(2026, 3, 11, 14, 30, tzinfo=UTC),
            score=0,
            agent="bob",
            channel="chat",
            auto_failed=True,
            criteria={"greeting": "pass", "disclosure": "n/a"},
            language="zh",
        )
        # cy (South): Sunday 29 March 20:00, one unscored e-mail
        add(
            session,
            card,
            datetime(2026, 3, 29, 20, tzinfo=UTC),
            agent="cy",
            team="South",
            channel="email",
            queue=None,
            duration_ms=86_400_000,
        )
    refresh_insights(db.factory, UTC_CONFIG)
    return db


MARCH = InteractionQuery.on_days(date(2026, 3, 1), date(2026, 3, 31))


def test_summary_counts_only_scored_interactions_in_score_figures(centre: Database) -> None:
    with centre.factory() as session:
        t = dashboard.summary(session, MARCH)
    assert (t.n, t.scored, t.low, t.auto_failed) == (7, 6, 4, 1)  # low: 10, 30, 50 and 0 (< 70)
    assert t.mean_score == pytest.approx((10 + 30 + 50 + 95 + 80 + 0) / 6)
    assert t.mean_csat == pytest.approx((4 * 4 + 5) / 5)  # 10 of 10 is 5 of 5
    assert t.mean_handle_s == pytest.approx((4 * 300 + 600 + 300) / 6)  # the e-mail's span is not handle time


def test_trend_by_day_week_and_month_includes_empty_periods(centre: Database) -> None:
    with centre.factory() as session:
        days = dashboard.trend(session, MARCH, "day")
        weeks = dashboard.trend(session, MARCH, "week")
        months = dashboard.trend(
            session, InteractionQuery.on_days(date(2026, 2, 1), date(2026, 4, 30)), "month"
        )
    assert len(days) == 31 and sum(p.totals.n for p in days) == 7
    assert {p.start.day: p.totals.n for p in days if p.totals.n} == {2: 4, 11: 2, 29: 1}
    assert weeks[0].start == date(2026, 3, 1) and weeks[0].end == date(2026, 3, 1)  # a Sunday: its week
    assert [(p.start, p.totals.n) for p in weeks if p.totals.n] == [
        (date(2026, 3, 2), 4),
        (date(2026, 3, 9), 2),
        (date(2026, 3, 23), 1),
    ]
    assert weeks[-1].end == date(2026, 3, 31)
    assert [(p.start, p.end, p.totals.n) for p in months] == [
        (date(2026, 2, 1), date(2026, 2, 28), 0),
        (date(2026, 3, 1), date(2026, 3, 31), 7),
        (date(2026, 4, 1), date(2026, 4, 30), 0),
    ]
    assert dashboard.grain(MARCH) == "day"
    assert dashboard.grain(InteractionQuery.on_days(date(2026, 1, 1), date(2026, 6, 30))) == "week"
    assert dashboard.grain(InteractionQuery.on_days(date(2025, 1, 1), date(2026, 6, 30))) == "month"


def test_distribution_heat_map_volume_and_criteria(centre: Database) -> None:
    with centre.factory() as session:
        assert dashboard.score_distribution(session, MARCH) == [1, 1, 0, 1, 0, 1, 0, 0, 1, 1]
        heat = dashboard.heat_map(session, MARCH)
        assert heat.cells[0][9].n == 4 and heat.cells[0][9].mean_score == pytest.approx(46.25)
        assert heat.cells[2][14].n == 2 and heat.cells[6][20].n == 1
        assert sum(c.n for row in heat.cells for c in row) == 7
        channels = dashboard.volume(session, MARCH, "channel")
        assert [(k, t.n) for k, t in channels] == [("voice", 4), ("chat", 2), ("email", 1)]
        assert dict(dashboard.volume(session, MARCH, "queue"))[""].n == 1  # no queue: its own group
        with pytest.raises(ValueError, match="volume by 'agent'"):
            dashboard.volume(session, MARCH, "agent")
        rates = {r.criterion: r for r in dashboard.criterion_rates(session, MARCH)}
        assert (rates["greeting"].passed, rates["greeting"].failed) == (4, 2)
        assert rates["greeting"].fail_rate == pytest.approx(2 / 6)
        assert (rates["disclosure"].passed, rates["disclosure"].na, rates["disclosure"].fail_rate) == (
            4,
            2,
            0,
        )
        assert dashboard.criterion_rates(session, MARCH)[0].criterion == "greeting"


def test_agent_and_team_views_and_the_supervisor_scope(centre: Database) -> None:
    with centre.factory() as session:
        ann = MARCH.but(agent="ann")
        assert dashboard.summary(session, ann).n == 4
        assert dashboard.score_distribution(session, ann) == [0, 1, 0, 1, 0, 1, 0, 0, 0, 1]
        assert {r.criterion: r.failed for r in dashboard.criterion_rates(session, ann)} == {
            "greeting": 2,
            "disclosure": 0,
        }
        assert dashboard.heat_map(session, ann).cells[0][9].n == 4
        lines = dashboard.agents(session, MARCH)
        assert [(a.agent, a.totals.n) for a in lines] == [("bob", 2), ("ann", 4), ("cy", 1)]  # lowest first
        south_only = MARCH.but(teams=frozenset({"South"}))
        assert dashboard.summary(session, south_only).n == 1
        assert dashboard.teams_in(session, south_only) == ["South"]
        assert dashboard.teams_in(session, MARCH) == ["North", "South"]
        chats = MARCH.but(channel="chat")
        assert dashboard.summary(session, chats).n == 2
        nothing = InteractionQuery.on_days(date(2026, 1, 1), date(2026, 2, 28))
        assert (
            dashboard.summary(session, nothing).n == 0
            and dashboard.summary(session, nothing).mean_score is None
        )
