"""What root causes count (callqa.insights.causes.tally) for every outcome — low score, auto-fail, low CSAT,
long handle time, recontact, failing a criterion — equals a brute-force count over the facts and the
criterion results, whether read from the roll-ups (month and day rows), the facts in handle-time order or
the facts alone; for periods cutting months, team, scope and channel filters, and after re-scores, late
surveys, team moves and a criterion the scorecard gained."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.insights import dashboard, facts
from callqa.insights.causes import DIMENSIONS, handle_line, outcome, shown, tally
from callqa.insights.drivers import Tally
from callqa.insights.models import InsightCriterionSlotRow, InsightFactRow
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, ScorecardRow
from insights_support import add, evaluate, scorecard
from support import Database

pytestmark = pytest.mark.issue(7)
CONFIG = InsightConfig(ZoneInfo("UTC"))
LOW_SCORE = CONFIG.low_score
OUTCOME_KEYS = (
    "low_score",
    "auto_failed",
    "low_csat",
    "long_handle",
    "recontact",
    "failed:greeting",
    "failed:hold",  # often not applicable
    "failed:closing",  # only in re-scores
    "failed:nothing",  # no such criterion
)
PERIODS = {
    "both ends cut": (date(2026, 1, 15), date(2026, 4, 10)),
    "whole months": (date(2026, 2, 1), date(2026, 3, 31)),
    "no whole month": (date(2026, 1, 20), date(2026, 2, 10)),
    "everything": (date(2025, 12, 1), date(2026, 6, 30)),
}
FILTERS: dict[str, dict[str, Any]] = {
    "centre": {},
    "team": {"team": "North"},
    "supervisor": {"teams": frozenset({"North", "East"})},
    "channel": {"channel": "chat"},
    "agent": {"agent": "ann"},  # read from the facts
}


def facts_in(session: Session, flt: InteractionQuery) -> list[InsightFactRow]:
    assert flt.days is not None
    return [
        f
        for f in session.scalars(select(InsightFactRow))
        if flt.days.first <= f.day <= flt.days.last
        and flt.team in (None, f.team)
        and (flt.teams is None or f.team in flt.teams)
        and flt.channel in (None, f.channel)
        and flt.agent in (None, f.agent)
    ]


def results(session: Session) -> dict[tuple[int, str], str]:
    r = CriterionResultRow
    return {(e, c): o for e, c, o in session.execute(select(r.evaluation_id, r.criterion, r.outcome))}


def brute_force(session: Session, flt: InteractionQuery, key: str) -> Tally:
    """The counts straight from every fact and criterion result, in Python."""
    rows = facts_in(session, flt)
    outcomes = results(session)
    handled = sorted(f.handle_ms for f in rows if f.handle_ms is not None)
    line = handled[min(len(handled) - 1, int(len(handled) * 0.9))] if handled else 0

    def hit(f: InsightFactRow) -> bool | None:
        """Whether ``f`` has the outcome (None: it could not have it)."""
        if key in ("low_score", "auto_failed"):
            return None if f.score is None else f.score < LOW_SCORE if key == "low_score" else f.auto_failed
        if key == "low_csat":
            return None if f.csat is None else f.csat <= 2
        if key == "recontact":
            return None if f.customer == "" else f.recontact
        if key == "long_handle":
            return None if f.handle_ms is None else f.handle_ms > line
        result = outcomes.get((f.evaluation_id, key.removeprefix("failed:")))
        return None if result not in ("pass", "fail") else result == "fail"

    out = Tally()
    dimensions = [d for d in DIMENSIONS if not (d == "agent" and flt.agent is not None)]
    for f in rows:
        found = hit(f)
        if found is None:
            continue
        out.total += 1
        out.positives += found
        for dimension in dimensions:
            out.add(dimension, shown(dimension, getattr(f, dimension)), 1, int(found))
    return out


def rates_by_brute_force(session: Session, flt: InteractionQuery) -> dict[str, tuple[int, int, int]]:
    """Passed, failed and n/a per criterion of the facts' evaluations, in Python."""
    evaluations = {f.evaluation_id for f in facts_in(session, flt)}
    out: dict[str, list[int]] = {}
    for (evaluation, criterion), result in results(session).items():
        if evaluation in evaluations:
            out.setdefault(criterion, [0, 0, 0])[("pass", "fail", "n/a").index(result)] += 1
    return {criterion: (p, f, na) for criterion, (p, f, na) in out.items()}


def assert_counts_exact(db: Database) -> None:
    with db.factory() as session:
        for since, until in PERIODS.values():
            for keys in FILTERS.values():
                flt = InteractionQuery.on_days(since, until, **keys)
                rates = {
                    r.criterion: (r.passed, r.failed, r.na) for r in dashboard.criterion_rates(session, flt)
                }
                assert rates == rates_by_brute_force(session, flt), flt
                dimensions = [d for d in DIMENSIONS if not (d == "agent" and flt.agent is not None)]
                for key in OUTCOME_KEYS:
                    what = outcome(session, flt, key)
                    expected = brute_force(session, flt, key)
                    assert tally(session, flt, what, dimensions) == expected, (key, flt)
                    from_facts = tally(session, flt, replace(what, sums=None), dimensions)
                    assert from_facts == expected, (key, flt)


def centre(session: Session, seed: int = 3) -> list[int]:
    """Five months of interactions over three teams, three channels, two languages and queues, returning
    customers, surveys on 5- and 10-point scales, handle times with ties, and three criteria."""
    rng = random.Random(seed)
    card = scorecard(session)
    ids = []
    for i in range(160):
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(150 * 24 * 60))
        scored = rng.random() < 0.85
        criteria = {}
        for criterion, outcomes in (("greeting", "pass fail n/a -"), ("hold", "pass fail n/a n/a")):
            chosen = rng.choice(outcomes.split())
            if chosen != "-":
                criteria[criterion] = chosen
        scale = rng.choice((5, 5, 10))
        ids.append(
            add(
                session,
                card,
                at,
                score=rng.choice((35.0, 60.0, 69.9, 70.0, 85.0, 100.0)) if scored else None,
                criteria=criteria,
                auto_failed=rng.random() < 0.1,
                team=rng.choice(("North", "South", "East", None)),
                agent=rng.choice(("ann", "bob", "cy", "dan")),
                channel=rng.choice(("voice", "voice", "chat", "email")),
                language=rng.choice(("en", "zh-Hans")),
                queue=rng.choice(("cards", "loans", None)),
                customer=rng.choice((None, *(f"cust-{c}" for c in range(12)))),
                csat=rng.choice((None, None, 1, 2, 3, 4, 5)) if i % 3 else None,
                csat_scale=scale,
                duration_ms=rng.choice((120_000, 300_000, 300_000, 480_000, 600_000, rng.randrange(900_000))),
            )
        )
    return ids


@pytest.fixture
def stored(db: Database) -> Iterator[tuple[Database, list[int]]]:
    with db.factory.begin() as session:
        ids = centre(session)
    refresh_insights(db.factory, CONFIG)
    yield db, ids


def test_every_outcome_is_counted_exactly_for_any_period_and_filter(
    stored: tuple[Database, list[int]],
) -> None:
    db, _ = stored
    assert_counts_exact(db)


def test_counts_stay_exact_after_rescores_late_surveys_team_moves_and_a_new_criterion(
    stored: tuple[Database, list[int]],
) -> None:
    db, ids = stored
    rng = random.Random(5)
    with db.factory.begin() as session:
        card = session.scalars(select(ScorecardRow)).one()
        for ident in rng.sample(ids, 20):  # re-scored, with a criterion the scorecard gained
            outcomes = {c: rng.choice(("pass", "fail", "n/a")) for c in ("greeting", "hold", "closing")}
            evaluate(session, card, ident, rng.choice((20.0, 90.0)), outcomes, auto_failed=rng.random() < 0.3)
        now = datetime.now(UTC)
        changes: dict[int, dict[str, Any]] = {}
        for ident in rng.sample(ids, 10):
            changes[ident] = {"csat": rng.choice((1, 2, 5)), "csat_scale": 5}  # surveys arriving late
        for ident in rng.sample(ids, 10):
            changes[ident] = {"team": "East", "channel": "chat"}  # moved
        for ident in rng.sample(ids, 5):  # a start time corrected into another month
            changes[ident] = {"started_at": datetime(2026, 4, 2, 9, tzinfo=UTC), "customer": "cust-1"}
        for ident, values in changes.items():
            session.execute(
                update(InteractionRow).where(InteractionRow.id == ident).values(**values, updated_at=now)
            )
        add(session, card, datetime(2026, 4, 3, 9, tzinfo=UTC), score=50, customer="cust-1")  # came back
    assert not refresh_insights(db.factory, CONFIG).full
    with db.factory() as session:
        slots = dict(
            session.execute(select(InsightCriterionSlotRow.criterion, InsightCriterionSlotRow.slot)).all()
        )
        assert sorted(slots) == ["closing", "greeting", "hold"] and slots["closing"] == 2
    assert_counts_exact(db)


def test_known_answers_for_a_quarter_cutting_months(db: Database) -> None:
    """Six interactions inside 15 January – 10 April (two in cut months on each edge), two outside."""
    with db.factory.begin() as session:
        card = scorecard(session)

        def call(at: datetime, **kw: Any) -> None:
            add(session, card, at, **kw)

        call(
            datetime(2026, 1, 20, 9, tzinfo=UTC),
            score=40,
            criteria={"greeting": "fail"},
            csat=2,
            customer="x",
        )
        call(datetime(2026, 1, 25, 9, tzinfo=UTC), score=90, criteria={"greeting": "pass"}, customer="x")
        call(
            datetime(2026, 2, 3, 10, tzinfo=UTC), score=90, criteria={"greeting": "n/a"}, csat=5, team="South"
        )
        call(
            datetime(2026, 3, 16, 9, tzinfo=UTC), score=60, criteria={"greeting": "fail"}, duration_ms=900_000
        )
        call(
            datetime(2026, 4, 1, 0, 30, tzinfo=UTC), csat=1, csat_scale=10, channel="chat", duration_ms=60_000
        )
        call(datetime(2026, 4, 10, 15, tzinfo=UTC), score=5, criteria={"greeting": "pass"}, channel="email")
        for at in (datetime(2026, 1, 14, 9, tzinfo=UTC), datetime(2026, 4, 11, 9, tzinfo=UTC)):
            call(at, score=10, criteria={"greeting": "fail"}, csat=1, customer="x", duration_ms=999_000)
    refresh_insights(db.factory, CONFIG)
    quarter = InteractionQuery.on_days(date(2026, 1, 15), date(2026, 4, 10))
    expected = {  # outcome: (eligible, hits, per team)
        "low_score": (5, 3, {"North": (4, 3), "South": (1, 0)}),
        "low_csat": (3, 2, {"North": (2, 2), "South": (1, 0)}),  # 1 of 10 is 1 of 5
        "recontact": (2, 1, {"North": (2, 1)}),  # came back on the 25th, not after it
        "failed:greeting": (4, 2, {"North": (4, 2)}),  # n/a and unscored do not count
        "long_handle": (5, 0, {"North": (4, 0), "South": (1, 0)}),  # e-mail has no handle time
    }
    with db.factory() as session:
        assert handle_line(session, quarter) == 900_000  # 5 handle times: the 90th percentile is the top
        for key, (n, hits, teams) in expected.items():
            counted = tally(session, quarter, outcome(session, quarter, key), DIMENSIONS)
            assert (counted.total, counted.positives, counted.groups["team"]) == (n, hits, teams), key
            assert counted == brute_force(session, quarter, key), key


def test_criteria_beyond_the_slots_are_counted_from_the_facts(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts, "CRITERION_SLOTS", 1)  # the first criterion met takes the only slot
    with db.factory.begin() as session:
        centre(session, seed=8)
    refresh_insights(db.factory, CONFIG)
    with db.factory() as session:
        s = InsightCriterionSlotRow
        slots = dict(session.execute(select(s.criterion, s.slot)).all())
        assert sorted(slots.values(), key=str) == [0, None]
        (slotted,), (other,) = (
            [c for c, slot in slots.items() if (slot is None) == none] for none in (False, True)
        )
        flt = InteractionQuery.on_days(
            date(2026, 1, 1), date(2026, 5, 31), teams=frozenset({"North", "South"})
        )
        assert outcome(session, flt, f"failed:{slotted}").sums is not None
        assert outcome(session, flt, f"failed:{other}").criterion == other
        for criterion in (slotted, other):
            what = outcome(session, flt, f"failed:{criterion}")
            assert tally(session, flt, what, DIMENSIONS) == brute_force(session, flt, f"failed:{criterion}")
        rates = {r.criterion: (r.passed, r.failed, r.na) for r in dashboard.criterion_rates(session, flt)}
        assert rates == rates_by_brute_force(session, flt) and set(rates) == {slotted, other}
