"""Day-level roll-ups of the facts: each is rebuilt for a set of days by one INSERT … SELECT … GROUP BY.

Rebuilding whole days (rather than adding and subtracting) keeps them exact whatever changed: a re-score,
a survey that arrived late, an interaction that moved to another team.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from callqa.insights.models import (
    InsightAgentRow,
    InsightCriterionRow,
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


def _common(low_score: float) -> list[tuple[str, ColumnElement[Any]]]:
    return [
        ("n", func.count()),
        ("scored", func.count(F.score)),
        ("score_sum", _sum(F.score)),
        ("low", _count(F.score < low_score)),
    ]


def _handle() -> list[tuple[str, ColumnElement[Any]]]:
    return [("handle_n", func.count(F.handle_ms)), ("handle_sum", _sum(F.handle_ms))]


def _csat() -> list[tuple[str, ColumnElement[Any]]]:
    return [("csat_n", func.count(F.csat)), ("csat_sum", _sum(F.csat))]


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


def _rebuild_criteria(session: Session, days: Sequence[date]) -> None:
    r = CriterionResultRow
    keys = (F.day, F.team, F.channel, r.criterion)
    query = (
        select(
            *keys,
            _count(r.outcome == "pass"),
            _count(r.outcome == "fail"),
            _count(r.outcome == "n/a"),
        )
        .join(r, r.evaluation_id == F.evaluation_id)
        .where(F.day.in_(days))
        .group_by(*keys)
    )
    t = InsightCriterionRow
    session.execute(delete(t).where(t.day.in_(days)))
    names = ["day", "team", "channel", "criterion", "passed", "failed", "na"]
    session.execute(insert(t).from_select(names, query))


def rebuild_rollups(session: Session, days: Collection[date], *, low_score: float) -> None:
    """Recompute every roll-up row of ``days`` from the facts (rows of days with no facts left vanish)."""
    ordered = sorted(days)
    for i in range(0, len(ordered), DAYS_PER_STATEMENT):
        chunk = ordered[i : i + DAYS_PER_STATEMENT]
        daily = [
            *_common(low_score),
            ("auto_failed", _count(F.auto_failed.is_(True))),
            *_histogram(),
            *_csat(),
            *_handle(),
            ("recontact", _count(F.recontact.is_(True))),
            ("predicted_n", func.count(F.predicted_csat)),
            ("predicted_sum", _sum(F.predicted_csat)),
        ]
        _rebuild(session, InsightDailyRow, (F.day, F.team, F.channel), daily, chunk)
        hourly = [
            ("weekday", func.min(F.weekday)),
            *_common(low_score),
            ("auto_failed", _count(F.auto_failed.is_(True))),
            *_handle(),
        ]
        _rebuild(session, InsightHourlyRow, (F.day, F.hour, F.team, F.channel), hourly, chunk)
        agents = [
            *_common(low_score),
            ("auto_failed", _count(F.auto_failed.is_(True))),
            *_csat(),
            *_handle(),
        ]
        _rebuild(session, InsightAgentRow, (F.day, F.agent, F.team, F.channel), agents, chunk)
        _rebuild_criteria(session, chunk)
        _rebuild_volume(session, chunk, agents)


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
