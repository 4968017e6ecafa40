"""Root causes over stored interactions: for an outcome (low score, auto-fail, a failed criterion, low CSAT,
long handle time, recontact), which hours, weekdays, queues, teams, agents, tenure bands, contact reasons,
languages or channels go with it — counted in the database, ranked by ``drivers``.

The roll-ups count, per value of every dimension, the interactions that could have each outcome and those
that have it, so a centre or team over a year reads thousands of rows. Long handle time is relative to the
period (its slowest 10 %): the roll-ups count the interactions with a handle time, and the slow ones are read
from the facts in handle-time order. One agent's view, and a criterion beyond the roll-ups' slots, count
that agent's or the period's facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, select
from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.core.query import InteractionQuery
from callqa.insights.dashboard import conditions, key_conditions, period, rollup_query
from callqa.insights.drivers import Driver, Tally, rank_tally
from callqa.insights.models import (
    LOW_CSAT,
    InsightAgentRow,
    InsightCriterionSlotRow,
    InsightDailyRow,
    InsightFactRow,
    InsightHourlyRow,
    InsightVolumeRow,
)
from callqa.insights.rollups import VOLUME_DIMENSIONS
from callqa.scoring.models import CriterionResultRow

F = InsightFactRow
DIMENSIONS = ("hour", "weekday", "queue", "team", "agent", "tenure", "reason", "language", "channel")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTCOMES = {
    "low_score": N_("Low score"),
    "auto_failed": N_("Auto-fail"),
    "low_csat": N_("Low CSAT (1–2 of 5)"),
    "long_handle": N_("Long handle time (the slowest tenth)"),
    "recontact": N_("Customer came back within the recontact window"),
}


class UnknownOutcome(ValueError):
    pass


@dataclass(frozen=True)
class Outcome:
    """What counts (``hit``) among which interactions (``eligible``) in the facts, and its name in a sentence.

    ``sums`` names the roll-up sums counting the same (eligible, hit); a hit of None is read from the facts
    (long handle time). Without ``sums`` the facts are counted: joined to the results of ``criterion`` when
    it is a criterion the roll-ups have no slot for.
    """

    key: str
    label: str
    hit: ColumnElement[bool]
    eligible: ColumnElement[bool]
    sums: tuple[str, str | None] | None = None
    criterion: str | None = None
    over_s: int | None = None  # long handle time: the line in seconds


def outcome(session: Session, flt: InteractionQuery, key: str) -> Outcome:
    """The outcome named ``key``: one of :data:`OUTCOMES` or ``failed:<criterion id>``."""
    if key == "low_score":
        return Outcome(key, OUTCOMES[key], F.low.is_(True), F.score.is_not(None), ("scored", "low"))
    if key == "auto_failed":
        scored = F.score.is_not(None)
        return Outcome(key, OUTCOMES[key], F.auto_failed.is_(True), scored, ("scored", "auto_failed"))
    if key == "low_csat":
        return Outcome(key, OUTCOMES[key], F.csat <= LOW_CSAT, F.csat.is_not(None), ("csat_n", "csat_low"))
    if key == "long_handle":
        line = handle_line(session, flt)
        label = f"{OUTCOMES[key][:-1]}, over {line / 1000:.0f} s)"
        slow, timed = F.handle_ms > line, F.handle_ms.is_not(None)
        return Outcome(key, label, slow, timed, ("handle_n", None), over_s=round(line / 1000))
    if key == "recontact":
        sums = ("recontact_n", "recontact")
        return Outcome(key, OUTCOMES[key], F.recontact.is_(True), F.customer != "", sums)
    if key.startswith("failed:") and len(key) > 7:
        return _failing(session, key, key[7:])
    raise UnknownOutcome(f"outcome '{key}': choose one of {', '.join(OUTCOMES)} or failed:<criterion>")


def _failing(session: Session, key: str, criterion: str) -> Outcome:
    label = f"Failing {criterion}"
    s = InsightCriterionSlotRow
    slot = session.scalar(select(s.slot).where(s.criterion == criterion))
    if slot is None:
        r = CriterionResultRow
        return Outcome(key, label, r.outcome == "fail", r.outcome.in_(("pass", "fail")), criterion=criterion)
    bit = 1 << slot
    hit = F.criteria_failed.bitwise_and(bit) != 0
    eligible = F.criteria_judged.bitwise_and(bit) != 0
    return Outcome(key, label, hit, eligible, (f"c{slot}_judged", f"c{slot}_failed"))


def handle_line(session: Session, flt: InteractionQuery) -> int:
    """The 90th percentile of handle time in the filter (ms): above it is 'long'."""
    if flt.agent is None:
        handled = rollup_query(flt, InsightDailyRow, [], lambda t: [func.coalesce(func.sum(t.handle_n), 0)])
    else:
        handled = select(func.count()).where(*conditions(flt), F.handle_ms.is_not(None))
    n = int(session.scalar(handled) or 0)
    if n == 0:
        return 0
    above = n - 1 - min(n - 1, int(n * 0.9))  # how many come after it in ascending order
    query = select(F.handle_ms).where(*_in_handle_order(flt), F.handle_ms.is_not(None))
    return int(session.scalar(query.order_by(F.handle_ms.desc()).offset(above).limit(1)) or 0)


def _in_handle_order(flt: InteractionQuery) -> list[ColumnElement[bool]]:
    """The filter for reading facts from the slowest down: the day as an expression, not the bare column, so
    SQLite walks the handle-time index (covering) rather than the day index and every fact of the period."""
    day = func.coalesce(F.day, F.day)
    days = period(flt)
    return [day >= days.first, day <= days.last, *key_conditions(flt, F)]


def tally(session: Session, flt: InteractionQuery, what: Outcome, dimensions: Sequence[str]) -> Tally:
    """Counts per value of each dimension within the filter: from the roll-ups when they count the outcome
    (the hits of a long handle time from the facts), else in one pass over the facts."""
    if what.sums is None or flt.agent is not None:
        return _from_facts(session, flt, what, dimensions)
    eligible, hit = what.sums
    counts = _from_rollups(session, flt, eligible, hit, dimensions)
    if hit is None:
        columns = [getattr(F, d) for d in dimensions]
        query = select(*columns).where(*_in_handle_order(flt), what.hit)
        rows = session.connection().execute(query).all()  # plain rows: no ORM loading for ~100k of them
        counts.positives += len(rows)
        for i, dimension in enumerate(dimensions):
            for value, hits in Counter(map(itemgetter(i), rows)).items():
                counts.add(dimension, shown(dimension, value), 0, hits)
    return counts


def _from_facts(session: Session, flt: InteractionQuery, what: Outcome, dimensions: Sequence[str]) -> Tally:
    columns = [getattr(F, d) for d in dimensions]
    query = select(*columns, what.hit).select_from(F).where(*conditions(flt), what.eligible)
    if what.criterion is not None:
        r = CriterionResultRow
        query = query.join(r, and_(r.evaluation_id == F.evaluation_id, r.criterion == what.criterion))
    counts: list[dict[Any, list[int]]] = [{} for _ in dimensions]
    total = positives = 0
    for row in session.execute(query.execution_options(yield_per=20_000)):
        hit = 1 if row[-1] else 0
        total += 1
        positives += hit
        for i, counted in enumerate(counts):
            cell = counted.get(row[i])
            if cell is None:
                counted[row[i]] = [1, hit]
            else:
                cell[0] += 1
                cell[1] += hit
    out = Tally(total, positives)
    for dimension, counted in zip(dimensions, counts, strict=True):
        for value, (n, hits) in counted.items():
            out.add(dimension, shown(dimension, value), n, hits)
    return out


def _from_rollups(
    session: Session, flt: InteractionQuery, eligible: str, hit: str | None, dimensions: Sequence[str]
) -> Tally:
    """Sums of ``eligible`` and ``hit`` (0 when None) per value of each dimension: team and channel from the
    day roll-up, weekday and hour from the hourly one, agents, and each volume dimension."""

    def sums(table: Any) -> list[ColumnElement[Any]]:
        hits = func.sum(getattr(table, hit)) if hit is not None else func.sum(literal(0))
        return [func.coalesce(func.sum(getattr(table, eligible)), 0), func.coalesce(hits, 0)]

    out = Tally()
    chosen = set(dimensions)
    query = rollup_query(flt, InsightDailyRow, ["team", "channel"], sums)
    for team, channel, n, hits in session.execute(query):
        out.total += int(n)
        out.positives += int(hits)
        for dimension, value in (("team", team), ("channel", channel)):
            if dimension in chosen and n:
                out.add(dimension, value, int(n), int(hits))
    if chosen & {"weekday", "hour"}:
        query = rollup_query(flt, InsightHourlyRow, ["weekday", "hour"], sums)
        for weekday, hour, n, hits in session.execute(query):
            for dimension, value in (("weekday", weekday), ("hour", hour)):
                if dimension in chosen and n:
                    out.add(dimension, shown(dimension, value), int(n), int(hits))
    if "agent" in chosen:
        for agent, n, hits in session.execute(rollup_query(flt, InsightAgentRow, ["agent"], sums)):
            if n:
                out.add("agent", agent, int(n), int(hits))
    for dimension in chosen & set(VOLUME_DIMENSIONS):
        query = rollup_query(flt, InsightVolumeRow, ["value"], sums, dimension=dimension)
        for value, n, hits in session.execute(query):
            if n:
                out.add(dimension, value, int(n), int(hits))
    return out


def shown(dimension: str, value: Any) -> Any:
    """A dimension value as a manager reads it: 'Monday', '09:00'."""
    if dimension == "weekday" and isinstance(value, int):
        return WEEKDAY_NAMES[value]
    if dimension == "hour" and isinstance(value, int):
        return f"{value:02d}:00"
    return value


def root_causes(
    session: Session,
    flt: InteractionQuery,
    key: str,
    dimensions: Sequence[str] | None = None,
    *,
    max_q: float = 0.05,
) -> tuple[Outcome, Tally, list[Driver]]:
    """The outcome, its counts and the drivers found (strongest first) within the filter."""
    what = outcome(session, flt, key)
    chosen = [d for d in (dimensions or DIMENSIONS) if not (d == "agent" and flt.agent is not None)]
    counts = tally(session, flt, what, chosen)
    return what, counts, rank_tally(counts, max_q=max_q)
