"""Roll-ups of the facts: each day roll-up is rebuilt for a set of days by one INSERT … SELECT … GROUP BY
(the criterion roll-up is read off the day roll-up's criterion slots), then each month roll-up for the
months holding those days, from the day rows just rebuilt.

Rebuilding whole days and months (rather than adding and subtracting) keeps them exact whatever changed: a
re-score, a survey that arrived late, an interaction that moved to another team.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, delete, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from callqa.insights.models import (
    CRITERION_SLOTS,
    LOW_CSAT,
    MONTHLY,
    InsightAgentRow,
    InsightCriterionRow,
    InsightCriterionSlotRow,
    InsightDailyRow,
    InsightFactRow,
    InsightHourlyRow,
    InsightVolumeRow,
)
from callqa.scoring.models import CriterionResultRow

F = InsightFactRow
DAYS_PER_STATEMENT = 200
VOLUME_DIMENSIONS = ("language", "queue", "tenure", "reason")  # the keys the daily roll-up does not have


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(column), 0)


def _outcomes(slots: int) -> list[tuple[str, ColumnElement[Any]]]:
    """The measures every roll-up keeps (``OutcomeSums``); criterion slots from ``slots`` on are unused."""
    return [
        ("n", func.count()),
        ("scored", func.count(F.score)),
        ("score_sum", _sum(F.score)),
        ("low", _count(F.low.is_(True))),
        ("auto_failed", _count(F.auto_failed.is_(True))),
        ("handle_n", func.count(F.handle_ms)),
        ("handle_sum", _sum(F.handle_ms)),
        ("csat_n", func.count(F.csat)),
        ("csat_sum", _sum(F.csat)),
        ("csat_low", _count(F.csat <= LOW_CSAT)),
        ("recontact_n", _count(F.customer != "")),
        ("recontact", _count(F.recontact.is_(True))),
        *_criterion_counts(slots, "judged", "failed"),
    ]


def _criterion_counts(slots: int, *counts: str) -> list[tuple[str, ColumnElement[Any]]]:
    """Per criterion slot, how many facts have its bit in the ``criteria_<count>`` masks (0 for the slots
    from ``slots`` on, which no criterion has yet)."""
    out: list[tuple[str, ColumnElement[Any]]] = []
    for slot in range(CRITERION_SLOTS):
        for count in counts:
            bit = getattr(F, f"criteria_{count}").bitwise_rshift(slot).bitwise_and(1)
            out.append((f"c{slot}_{count}", _sum(bit) if slot < slots else literal(0)))
    return out


def _histogram() -> list[tuple[str, ColumnElement[Any]]]:
    out = []
    for bucket in range(10):
        inside = F.score >= bucket * 10
        if bucket < 9:
            inside = and_(inside, F.score < (bucket + 1) * 10)
        out.append((f"h{bucket}", _count(inside)))
    return out


def _rebuild(
    session: Session,
    table: Any,
    keys: Sequence[Any],
    measures: Sequence[tuple[str, ColumnElement[Any]]],
    days: Sequence[date],
) -> None:
    names = [k.key for k in keys] + [name for name, _ in measures]
    query = select(*keys, *(m for _, m in measures)).where(F.day.in_(days)).group_by(*keys)
    session.execute(delete(table).where(table.day.in_(days)))
    session.execute(insert(table).from_select(names, query))


def _rebuild_criteria(session: Session, days: Sequence[date], slots: dict[str, int | None]) -> None:
    """Each criterion's day rows: read off the day roll-up's columns of its slot (just rebuilt), or counted
    from its results when it has no slot."""
    t, d = InsightCriterionRow, InsightDailyRow
    session.execute(delete(t).where(t.day.in_(days)))
    names = ["day", "team", "channel", "criterion", "passed", "failed", "na"]
    parts = []
    for criterion, slot in slots.items():
        if slot is not None:
            judged, failed, na = (getattr(d, f"c{slot}_{count}") for count in ("judged", "failed", "na"))
            counts = (judged - failed, failed, na)
            columns = [d.day, d.team, d.channel, literal(criterion), *counts]
            labelled = [c.label(name) for c, name in zip(columns, names, strict=True)]
            parts.append(select(*labelled).where(d.day.in_(days), judged + na > 0))
    if parts:  # in key order, as the join below gives them: dashboards read them by day
        rows = union_all(*parts).subquery()
        ordered = select(rows).order_by(rows.c.day, rows.c.team, rows.c.channel, rows.c.criterion)
        session.execute(insert(t).from_select(names, ordered))
    unslotted = sorted(criterion for criterion, slot in slots.items() if slot is None)
    if unslotted:
        r = CriterionResultRow
        keys = (F.day, F.team, F.channel, r.criterion)
        query = (
            select(*keys, *(_count(r.outcome == outcome) for outcome in ("pass", "fail", "n/a")))
            .join(r, r.evaluation_id == F.evaluation_id)
            .where(F.day.in_(days), r.criterion.in_(unslotted))
            .group_by(*keys)
        )
        session.execute(insert(t).from_select(names, query))


def rebuild_rollups(session: Session, days: Collection[date]) -> None:
    """Recompute every roll-up row of ``days`` from the facts (rows of days with no facts left vanish), then
    the month roll-ups of the months holding them."""
    _rebuild_days(session, days)
    _rebuild_months(session, {day.replace(day=1) for day in days})


def next_month(first: date) -> date:
    """The first day of the month after the one starting on ``first``."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _rebuild_months(session: Session, months: Collection[date]) -> None:
    for month in sorted(months):
        for day_table, month_table in MONTHLY.items():
            _rebuild_month(session, day_table, month_table, month)


def _rebuild_month(session: Session, day_table: Any, month_table: Any, month: date) -> None:
    """One month's rows: the month table's keys and sums over the day table's rows of that month."""
    session.execute(delete(month_table).where(month_table.month == month))
    table = month_table.__table__
    keys = [getattr(day_table, c.name) for c in table.primary_key.columns if c.name != "month"]
    sums = [c.name for c in table.columns if not c.primary_key]
    query = (
        select(literal(month, Date()), *keys, *(func.sum(getattr(day_table, name)) for name in sums))
        .where(day_table.day >= month, day_table.day < next_month(month))
        .group_by(*keys)
    )
    names = ["month", *(k.key for k in keys), *sums]
    session.execute(insert(month_table).from_select(names, query))


def _rebuild_days(session: Session, days: Collection[date]) -> None:
    s = InsightCriterionSlotRow
    slots: dict[str, int | None] = dict(session.execute(select(s.criterion, s.slot)).all())
    used = sum(slot is not None for slot in slots.values())
    outcomes = _outcomes(used)
    daily = [*outcomes, *_histogram(), ("predicted_n", func.count(F.predicted_csat))]
    daily += [("predicted_sum", _sum(F.predicted_csat)), *_criterion_counts(used, "na")]
    hourly = [("weekday", func.min(F.weekday)), *outcomes]
    ordered = sorted(days)
    for i in range(0, len(ordered), DAYS_PER_STATEMENT):
        chunk = ordered[i : i + DAYS_PER_STATEMENT]
        _rebuild(session, InsightDailyRow, (F.day, F.team, F.channel), daily, chunk)
        _rebuild(session, InsightHourlyRow, (F.day, F.hour, F.team, F.channel), hourly, chunk)
        _rebuild(session, InsightAgentRow, (F.day, F.agent, F.team, F.channel), outcomes, chunk)
        _rebuild_criteria(session, chunk, slots)
        _rebuild_volume(session, chunk, outcomes)


def _rebuild_volume(
    session: Session, days: Sequence[date], measures: Sequence[tuple[str, ColumnElement[Any]]]
) -> None:
    t = InsightVolumeRow
    session.execute(delete(t).where(t.day.in_(days)))
    names = ["dimension", "day", "team", "channel", "value", *(name for name, _ in measures)]
    for dimension in VOLUME_DIMENSIONS:
        column = getattr(F, dimension)
        keys = (F.day, F.team, F.channel, column)
        query = (
            select(literal(dimension), *keys, *(m for _, m in measures))
            .where(F.day.in_(days))
            .group_by(*keys)
        )
        session.execute(insert(t).from_select(names, query))
