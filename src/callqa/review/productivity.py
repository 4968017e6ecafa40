"""Analyst productivity: reviews done per analyst and period, the time each took, how much of the AI's grading
they changed, and the disputes their reviews drew.

* A review is **done** when it is shared with the agent; it counts in the period of its ``shared_at``, for
  the analyst who started it.
* **Time per review** = the share time − the reviewer's last opening of that interaction's review form
  (the page view, recorded server-side by :func:`record_open`) before it, capped at :data:`CAP_MINUTES`
  (a form left open over lunch is not an hour's work). Reviews without a recorded opening are left out of
  the times (not of the count). Median and p90 are nearest-rank over the timed reviews.
* **Changes** = the criteria the analyst changed from the AI's outcome ÷ all criteria of the reviews.
* **Disputes** received on those reviews, and how many were upheld (the analyst's outcome changed).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.convert import as_utc
from callqa.review.models import DisputeRow, OverrideRow, ReviewOpenRow, ReviewRow
from callqa.review.schemas import DisputeState
from callqa.scoring.models import CriterionResultRow
from callqa.users.models import UserRow

CAP_MINUTES = 60.0
COLUMNS = (
    "analyst",
    "reviews",
    "timed",
    "median_minutes",
    "p90_minutes",
    "criteria",
    "changed",
    "changed_share",
    "disputes",
    "upheld",
)


@dataclass(frozen=True)
class AnalystStats:
    analyst: str
    reviews: int
    timed: int  # reviews with a recorded opening of the form
    median_minutes: float | None
    p90_minutes: float | None
    criteria: int
    changed: int
    disputes: int
    upheld: int

    @property
    def changed_share(self) -> float | None:
        return self.changed / self.criteria if self.criteria else None

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


def record_open(session: Session, user_id: int, interaction_id: int, at: datetime | None = None) -> None:
    """The reviewer opened the interaction's review form now (or ``at``)."""
    session.add(
        ReviewOpenRow(user_id=user_id, interaction_id=interaction_id, opened_at=at or datetime.now(UTC))
    )


def period(since: date | None, until: date | None, today: date | None = None) -> tuple[date, date]:
    """The days asked for (default: the last 30 days to today), refused when reversed (V138)."""
    today = today or datetime.now(UTC).date()
    until = until or today
    since = since or until - timedelta(days=29)
    if until < since:
        raise CallqaError(
            ErrorCode.V138,
            since=since,
            until=until,
            reason="it ends before it starts (give the earlier day first)",
        )
    return since, until


def nearest_rank(values: list[float], share: float) -> float | None:
    """The ``share`` quantile by nearest rank (the median of 1, 2, 3, 4 is 2; p90 of ten values the 9th)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def productivity(
    session: Session, *, since: date, until: date, user_id: int | None = None
) -> list[AnalystStats]:
    """One row per analyst with reviews done in the days ``since`` to ``until`` (both included); only
    ``user_id``'s row when given."""
    start = datetime.combine(since, time(), UTC)
    end = datetime.combine(until + timedelta(days=1), time(), UTC)
    query = (
        select(ReviewRow.id, ReviewRow.evaluation_id, ReviewRow.interaction_id, ReviewRow.shared_at, UserRow)
        .join(UserRow, UserRow.id == ReviewRow.reviewer_id)
        .where(ReviewRow.shared_at >= start, ReviewRow.shared_at < end)
    )
    if user_id is not None:
        query = query.where(ReviewRow.reviewer_id == user_id)
    reviews = list(session.execute(query).all())
    ids = [r.id for r in reviews]
    minutes: dict[int, float] = _minutes(session, reviews)
    criteria = _count_by(session, CriterionResultRow.evaluation_id, [r.evaluation_id for r in reviews])
    changed = dict(
        session.execute(
            select(OverrideRow.review_id, func.count(distinct(OverrideRow.criterion)))
            .where(OverrideRow.review_id.in_(ids))
            .group_by(OverrideRow.review_id)
        ).all()
    )
    disputes: dict[int, list[str]] = defaultdict(list)
    for review_id, state in session.execute(
        select(DisputeRow.review_id, DisputeRow.state).where(DisputeRow.review_id.in_(ids))
    ):
        disputes[review_id].append(state)
    grouped: dict[str, list[Any]] = defaultdict(list)
    for r in reviews:
        grouped[r.UserRow.username].append(r)
    out = []
    for analyst, rows in sorted(grouped.items()):
        times = [minutes[r.id] for r in rows if r.id in minutes]
        states = [s for r in rows for s in disputes.get(r.id, [])]
        out.append(
            AnalystStats(
                analyst=analyst,
                reviews=len(rows),
                timed=len(times),
                median_minutes=_rounded(nearest_rank(times, 0.5)),
                p90_minutes=_rounded(nearest_rank(times, 0.9)),
                criteria=sum(criteria.get(r.evaluation_id, 0) for r in rows),
                changed=sum(int(changed.get(r.id, 0)) for r in rows),
                disputes=len(states),
                upheld=sum(s == DisputeState.UPHELD.value for s in states),
            )
        )
    return out


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _count_by(session: Session, column: Any, keys: list[int]) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(keys)).group_by(column)
    return {key: int(n) for key, n in session.execute(query)}


def _minutes(session: Session, reviews: list[Any]) -> dict[int, float]:
    """Review id → minutes from the reviewer's last opening of the form before sharing, capped."""
    if not reviews:
        return {}
    users = {r.UserRow.id for r in reviews}
    interactions = {r.interaction_id for r in reviews}
    opens: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for user_id, interaction_id, opened in session.execute(
        select(ReviewOpenRow.user_id, ReviewOpenRow.interaction_id, ReviewOpenRow.opened_at).where(
            ReviewOpenRow.user_id.in_(users), ReviewOpenRow.interaction_id.in_(interactions)
        )
    ):
        opens[(user_id, interaction_id)].append(as_utc(opened) or opened)
    out = {}
    for r in reviews:
        shared = as_utc(r.shared_at)
        before = [t for t in opens.get((r.UserRow.id, r.interaction_id), []) if shared and t <= shared]
        if shared and before:
            out[r.id] = min((shared - max(before)).total_seconds() / 60, CAP_MINUTES)
    return out
