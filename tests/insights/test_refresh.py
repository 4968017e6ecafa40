"""Facts and roll-ups (callqa.insights.facts / rollups / refresh): local time, tenure, CSAT on 1–5,
recontact, and incremental refreshes that stay exact after re-scores, late surveys and team moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.facts import csat_on_five, tenure_band
from callqa.insights.models import InsightFactRow
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import InteractionRow
from callqa.users.models import UserRow
from insights_support import add, evaluate, scorecard
from support import Database

pytestmark = pytest.mark.issue(7)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CONFIG = InsightConfig(SHANGHAI)
ALL = InteractionQuery.on_days(date(2026, 1, 1), date(2026, 12, 31))


def fact(db: Database, interaction_id: int) -> InsightFactRow:
    with db.factory() as session:
        row = session.get(InsightFactRow, interaction_id)
        assert row is not None
        return row


def test_days_hours_and_weekdays_are_the_centres_local_time(db: Database) -> None:
    with db.factory.begin() as session:
        card = scorecard(session)
        late = add(session, card, datetime(2026, 3, 1, 23, 30, tzinfo=UTC), score=80)  # Sunday in UTC
    refresh_insights(db.factory, CONFIG)
    row = fact(db, late)
    assert (row.day, row.hour, row.weekday) == (date(2026, 3, 2), 7, 0)  # Monday 07:30 in Shanghai
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))  # another zone: everything rebuilt
    row = fact(db, late)
    assert (row.day, row.hour, row.weekday) == (date(2026, 3, 1), 23, 6)


def test_tenure_bands_and_csat_on_a_five_point_scale() -> None:
    hired = date(2026, 1, 1)
    assert tenure_band(None, hired) == ""
    assert tenure_band(hired, date(2025, 12, 1)) == ""  # before the hire date: unknown, not negative
    assert tenure_band(hired, date(2026, 3, 1)) == "< 3 months"
    assert tenure_band(hired, date(2026, 6, 1)) == "3–12 months"
    assert tenure_band(hired, date(2027, 6, 1)) == "1–2 years"
    assert tenure_band(hired, date(2029, 1, 1)) == "2+ years"
    assert csat_on_five(4, 5) == 4
    assert csat_on_five(10, 10) == 5
    assert csat_on_five(1, 10) == 1
    assert csat_on_five(4, 10) == pytest.approx(1 + 4 * 3 / 9)
    assert csat_on_five(None, 5) is None


def test_tenure_comes_from_the_agents_hire_date(db: Database) -> None:
    with db.factory.begin() as session:
        card = scorecard(session)
        session.add(
            UserRow(
                username="ann",
                display_name="Ann",
                password_hash="!",
                role="agent",
                agent_name="ann",
                locale="en",
                hired_on=date(2026, 2, 1),
                active=True,
                created_at=datetime.now(UTC),
            )
        )
        early = add(session, card, datetime(2026, 3, 1, 9, tzinfo=UTC), score=70)
        later = add(session, card, datetime(2026, 9, 1, 9, tzinfo=UTC), score=70)
        nobody = add(session, card, datetime(2026, 9, 1, 9, tzinfo=UTC), score=70, agent="zed")
    refresh_insights(db.factory, CONFIG)
    assert fact(db, early).tenure == "< 3 months"
    assert fact(db, later).tenure == "3–12 months"
    assert fact(db, nobody).tenure == ""


def test_a_customer_coming_back_within_the_window_marks_the_earlier_contact(db: Database) -> None:
    start = datetime(2026, 5, 4, 10, tzinfo=UTC)
    with db.factory.begin() as session:
        card = scorecard(session)
        first = add(session, card, start, score=50, customer="c1")
        second = add(session, card, start + timedelta(days=3), score=90, customer="c1")
        lone = add(session, card, start, score=90, customer="c2")
    refresh_insights(db.factory, CONFIG)
    assert fact(db, first).recontact and not fact(db, second).recontact and not fact(db, lone).recontact
    # c2 comes back 10 days later: outside the 7-day window, so still no recontact
    with db.factory.begin() as session:
        add(session, card, start + timedelta(days=10), score=90, customer="c2")
    refresh_insights(db.factory, CONFIG)
    assert not fact(db, lone).recontact
    # the second c1 contact gets a follow-up: the incremental refresh revisits the earlier contact
    with db.factory.begin() as session:
        add(session, card, start + timedelta(days=5), score=90, customer="c1")
    report = refresh_insights(db.factory, CONFIG)
    assert not report.full
    assert fact(db, second).recontact
    with db.factory() as session:
        assert dashboard.summary(session, ALL).n == 5
        assert sum(t.n for _, t in dashboard.volume(session, ALL, "team")) == 5


def totals_by_hand(db: Database, zone: ZoneInfo) -> dict[date, tuple[int, float]]:
    """Count and score sum per local day, straight from interactions and current evaluations."""
    from callqa.scoring.models import EvaluationRow

    out: dict[date, tuple[int, float]] = {}
    with db.factory() as session:
        rows = session.execute(
            select(InteractionRow.started_at, EvaluationRow.score).outerjoin(
                EvaluationRow,
                (EvaluationRow.interaction_id == InteractionRow.id) & EvaluationRow.is_current.is_(True),
            )
        )
        for started, score in rows:
            day = started.replace(tzinfo=UTC).astimezone(zone).date()
            n, total = out.get(day, (0, 0.0))
            out[day] = (n + 1, total + (score or 0))
    return out


def test_incremental_refreshes_stay_exact_after_rescoring_late_surveys_and_team_moves(db: Database) -> None:
    start = datetime(2026, 6, 1, 2, tzinfo=UTC)
    with db.factory.begin() as session:
        card = scorecard(session)
        ids = [
            add(
                session,
                card,
                start + timedelta(hours=7 * i),
                score=float(40 + i),
                team=("North", "South")[i % 2],
                criteria={"greeting": "pass" if i % 3 else "fail", "thanks": "n/a" if i % 5 == 0 else "pass"},
            )
            for i in range(40)
        ]
    first = refresh_insights(db.factory, CONFIG)
    assert first.full and first.interactions == 40
    assert not refresh_insights(db.factory, InsightConfig(SHANGHAI)).full  # nothing new: incremental
    with db.factory.begin() as session:
        evaluate(session, card, ids[0], 99.0, {"greeting": "pass"})  # re-scored
        session.execute(
            update(InteractionRow)
            .where(InteractionRow.id == ids[1])
            .values(csat=2, csat_scale=5, updated_at=datetime.now(UTC))
        )  # a survey arrived
        session.execute(
            update(InteractionRow)
            .where(InteractionRow.id == ids[2])
            .values(team="East", updated_at=datetime.now(UTC))
        )  # moved team
    report = refresh_insights(db.factory, CONFIG)
    assert not report.full
    by_hand = totals_by_hand(db, SHANGHAI)
    with db.factory() as session:
        days = {p.start: p.totals for p in dashboard.trend(session, ALL, "day") if p.totals.n}
        assert {d: (t.n, round(t.score_sum, 6)) for d, t in days.items()} == {
            d: (n, round(s, 6)) for d, (n, s) in by_hand.items()
        }
        total = dashboard.summary(session, ALL)
        assert total.n == 40 and total.scored == 40
        assert total.score_sum == pytest.approx(sum(40 + i for i in range(1, 40)) + 99)
        assert (total.csat_n, total.csat_sum) == (1, 2.0)
        teams = dict(dashboard.volume(session, ALL, "team"))
        assert {k: v.n for k, v in teams.items()} == {"North": 19, "South": 20, "East": 1}
        rates = {r.criterion: r for r in dashboard.criterion_rates(session, ALL)}
        fails = sum(1 for i in range(1, 40) if i % 3 == 0)  # the re-scored one now passes
        assert (rates["greeting"].failed, rates["greeting"].passed) == (fails, 40 - fails)
        assert rates["greeting"].title == "Greeting"
        # one agent's figures (read from facts) add up to the roll-up figures
        alone = dashboard.summary(session, ALL.but(agent="ann"))
        assert (alone.n, alone.score_sum) == (total.n, pytest.approx(total.score_sum))
