"""Root causes over stored interactions: for an outcome (low score, auto-fail, a failed criterion, low CSAT,
long handle time, recontact), which hours, weekdays, queues, teams, agents, tenure bands, contact reasons,
languages or channels go with it — counted in the database from the facts, ranked by ``drivers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from callqa.insights.dashboard import DashboardFilter, conditions, rollup_query
from callqa.insights.drivers import Driver, Tally, rank_tally
from callqa.insights.models import (
    InsightAgentRow,
    InsightDailyRow,
    InsightFactRow,
    InsightHourlyRow,
    InsightVolumeRow,
)
from callqa.scoring.models import CriterionResultRow

F = InsightFactRow
DIMENSIONS = ("hour", "weekday", "queue", "team", "agent", "tenure", "reason", "language", "channel")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTCOMES = {
    "low_score": "Low score",
    "auto_failed": "Auto-fail",
    "low_csat": "Low CSAT (1–2 of 5)",
    "long_handle": "Long handle time (slowest 10 %)",
    "recontact": "Customer came back within the recontact window",
}
LOW_CSAT = 2.0


class UnknownOutcome(ValueError):
    pass


@dataclass(frozen=True)
class Outcome:
    """What counts (``hit``) among which interactions (``eligible``), and its name in a sentence."""

    key: str
    label: str
    hit: ColumnElement[bool]
    eligible: ColumnElement[bool]
    criterion: str | None = None  # a failed-criterion outcome joins the criterion results


def outcome(session: Session, flt: DashboardFilter, key: str) -> Outcome:
    """The outcome named ``key``: one of :data:`OUTCOMES` or ``failed:<criterion id>``."""
    if key == "low_score":
        return Outcome(key, OUTCOMES[key], F.score < flt.low_score, F.score.is_not(None))
    if key == "auto_failed":
        return Outcome(key, OUTCOMES[key], F.auto_failed.is_(True), F.score.is_not(None))
    if key == "low_csat":
        return Outcome(key, OUTCOMES[key], F.csat <= LOW_CSAT, F.csat.is_not(None))
    if key == "long_handle":
        line = handle_line(session, flt)
        return Outcome(
            key,
            f"{OUTCOMES[key][:-1]}, over {line / 1000:.0f} s)",
            F.handle_ms > line,
            F.handle_ms.is_not(None),
        )
    if key == "recontact":
        return Outcome(key, OUTCOMES[key], F.recontact.is_(True), F.customer != "")
    if key.startswith("failed:") and len(key) > 7:
        criterion = key[7:]
        r = CriterionResultRow
        return Outcome(
            key, f"Failing {criterion}", r.outcome == "fail", r.outcome.in_(("pass", "fail")), criterion
        )
    raise UnknownOutcome(f"outcome '{key}': choose one of {', '.join(OUTCOMES)} or failed:<criterion>")


def handle_line(session: Session, flt: DashboardFilter) -> int:
    """The 90th percentile of handle time in the filter (ms): above it is 'long'."""
    where = conditions(flt)
    n = int(session.scalar(select(func.count()).where(*where, F.handle_ms.is_not(None))) or 0)
    if n == 0:
        return 0
    offset = min(n - 1, int(n * 0.9))
    query = select(F.handle_ms).where(*where, F.handle_ms.is_not(None)).order_by(F.handle_ms)
    return int(session.scalar(query.offset(offset).limit(1)) or 0)


def tally(session: Session, flt: DashboardFilter, what: Outcome, dimensions: Sequence[str]) -> Tally:
    """Counts per value of each dimension within the filter: from the roll-ups for a low score or an
    auto-fail (they hold both), else in one pass over the facts."""
    if what.key in ("low_score", "auto_failed") and flt.agent is None:
        return _from_rollups(session, flt, what.key, dimensions)
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


_ROLLUP_OF = {
    "hour": (InsightHourlyRow, "hour"),
    "weekday": (InsightHourlyRow, "weekday"),
    "team": (InsightDailyRow, "team"),
    "channel": (InsightDailyRow, "channel"),
    "agent": (InsightAgentRow, "agent"),
}


def _from_rollups(session: Session, flt: DashboardFilter, key: str, dimensions: Sequence[str]) -> Tally:
    measure = "low" if key == "low_score" else "auto_failed"

    def sums(table: Any) -> list[ColumnElement[Any]]:
        return [func.coalesce(func.sum(table.scored), 0), func.coalesce(func.sum(getattr(table, measure)), 0)]

    total, positives = session.execute(rollup_query(flt, InsightDailyRow, [], sums)).one()
    out = Tally(int(total), int(positives))
    for dimension in dimensions:
        if dimension in _ROLLUP_OF:
            table, name = _ROLLUP_OF[dimension]
            query = rollup_query(flt, table, [name], sums)
        else:
            query = rollup_query(flt, InsightVolumeRow, ["value"], sums, dimension=dimension)
        for value, n, hits in session.execute(query):
            if n:
                out.add(dimension, shown(dimension, value), int(n), int(hits))
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
    flt: DashboardFilter,
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
