"""The sums behind skill profiles, added up by the database: one row per agent × team × contact reason ×
language × channel with the counts, sums and sums of squares the profiles need, and the handle-time
baseline of each reason and channel.

Two statements, each one pass over the period's facts, on SQLite and PostgreSQL alike:

* **baselines**: per reason and channel, the median handle time of the good interactions (``GOOD_SCORE``
  or more and, when surveyed, CSAT 4–5), or of all of them when fewer than ``MIN_GOOD`` are good. The
  median is taken with window functions (row number and count per group), which both databases have: the
  middle row, or the mean of the two middle rows;
* **cell sums**: ``GROUP BY`` agent, team, reason, language and channel over the facts joined to those
  baselines, each interaction's handle time entering as ``ln(handle time) − ln(baseline)``.

A centre's quarter of a million interactions thus returns a few thousand rows to Python instead of a
million; :mod:`callqa.skills.profiles` rolls them up and shrinks them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from callqa.insights.contact_reasons import GOOD_SCORE, MIN_GOOD
from callqa.insights.models import InsightFactRow

F = InsightFactRow
FullKey = tuple[str, str, str, str, str]  # agent, team, reason, language, channel


@dataclass
class Sums:
    """Counts and sums over one group's interactions (``log_ratio``: ln of handle time ÷ its baseline)."""

    n: int = 0
    scored: int = 0
    score: float = 0.0
    score2: float = 0.0
    surveyed: int = 0
    csat: float = 0.0
    csat2: float = 0.0
    predicted_n: int = 0
    predicted: float = 0.0
    recontact: int = 0
    handled: int = 0
    log_ratio: float = 0.0
    log_ratio2: float = 0.0

    def merge(self, other: Sums) -> None:
        for name in SUM_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def measures(self) -> dict[str, tuple[int, float | None]]:
        """Each composite measure as (interactions measured, mean), higher better."""
        return {
            "qa": (self.scored, self.score / self.scored if self.scored else None),
            "csat": (self.surveyed, self.csat / self.surveyed if self.surveyed else None),
            "recontact": (self.n, -self.recontact / self.n if self.n else None),
            "handle": (self.handled, -self.log_ratio / self.handled if self.handled else None),
        }

    def spreads(self) -> dict[str, float]:
        """One interaction's standard deviation of each measure."""
        rate = self.recontact / self.n if self.n else 0.0
        return {
            "qa": sd(self.scored, self.score, self.score2),
            "csat": sd(self.surveyed, self.csat, self.csat2),
            "recontact": math.sqrt(rate * (1 - rate)),
            "handle": sd(self.handled, self.log_ratio, self.log_ratio2),
        }


SUM_FIELDS = tuple(f.name for f in fields(Sums))
_ZERO = Sums()  # each field's type: int counts, float sums


def sd(n: int, total: float, squares: float) -> float:
    """The sample standard deviation from a count, a sum and a sum of squares (0 below two values)."""
    if n < 2:
        return 0.0
    return math.sqrt(max(0.0, (squares - total**2 / n) / (n - 1)))


@dataclass(frozen=True)
class CellSums:
    cells: dict[FullKey, Sums]
    baselines: dict[tuple[str, str], float]  # (reason, channel) → milliseconds


def in_period(first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    """The facts measured: an agent named, local day within ``first`` – ``last`` (None: open)."""
    where: list[ColumnElement[bool]] = [F.agent != ""]
    if first is not None:
        where.append(F.day >= first)
    if last is not None:
        where.append(F.day <= last)
    return where


def _middle(rank: ColumnElement[int], count: ColumnElement[int]) -> ColumnElement[bool]:
    """The median's row(s) of ``count`` ranked 1…count: the middle one, or the two middle ones (then
    2·rank − count is 0 or 2; for an odd count it is 1), without integer division."""
    return (2 * rank - count).between(0, 2)


def baselines_query(where: list[ColumnElement[bool]]) -> Select[Any]:
    """(reason, channel, baseline ms): the median handle time of the good interactions, or of all when
    fewer than ``MIN_GOOD`` are good."""
    good = and_(F.score.is_not(None), F.score >= GOOD_SCORE, or_(F.csat.is_(None), F.csat >= 4))
    timed = select(
        F.reason, F.channel, F.handle_ms, case((good, 1), else_=0).label("good")
    ).where(F.handle_ms > 0, *where).subquery()  # fmt: skip
    group, kind = (timed.c.reason, timed.c.channel), (timed.c.reason, timed.c.channel, timed.c.good)
    ranked = select(
        *(timed.c.reason, timed.c.channel, timed.c.handle_ms, timed.c.good),
        func.row_number().over(partition_by=kind, order_by=timed.c.handle_ms).label("rank_kind"),
        func.count().over(partition_by=kind).label("n_kind"),
        func.row_number().over(partition_by=group, order_by=timed.c.handle_ms).label("rank_all"),
        func.count().over(partition_by=group).label("n_all"),
        func.sum(timed.c.good).over(partition_by=group).label("goods"),
    ).subquery()
    r = ranked.c
    picked = or_(
        and_(r.goods >= MIN_GOOD, r.good == 1, _middle(r.rank_kind, r.n_kind)),
        and_(r.goods < MIN_GOOD, _middle(r.rank_all, r.n_all)),
    )
    base = cast(func.avg(r.handle_ms), Float).label("base")
    return select(r.reason, r.channel, base).where(picked).group_by(r.reason, r.channel)


def _total(value: Any) -> Any:
    return func.coalesce(func.sum(value), literal(0))


def sums_query(where: list[ColumnElement[bool]]) -> Select[Any]:
    """One row per agent, team, reason, language and channel: the baseline and every field of
    :class:`Sums`, in order."""
    b = baselines_query(where).subquery()
    ratio = case((F.handle_ms > 0, func.ln(cast(F.handle_ms, Float)) - func.ln(b.c.base)), else_=None).label(
        "ratio"
    )
    per = (
        select(
            *(F.agent, F.team, F.reason, F.language, F.channel, F.score, F.csat, F.predicted_csat),
            case((F.recontact, 1), else_=0).label("back"),
            ratio,
            b.c.base,
        )
        .select_from(F)
        .outerjoin(b, and_(b.c.reason == F.reason, b.c.channel == F.channel))
        .where(*where)
        .subquery()
    )
    p = per.c
    keys = (p.agent, p.team, p.reason, p.language, p.channel)
    return select(
        *keys,
        func.max(p.base),
        func.count(),
        func.count(p.score), _total(p.score), _total(p.score * p.score),
        func.count(p.csat), _total(p.csat), _total(p.csat * p.csat),
        func.count(p.predicted_csat), _total(p.predicted_csat),
        _total(p.back),
        func.count(p.ratio), _total(p.ratio), _total(p.ratio * p.ratio),
    ).group_by(*keys)  # fmt: skip


def cell_sums(session: Session, first: date | None = None, last: date | None = None) -> CellSums:
    """The sums of every agent × team × reason × language × channel over the period, and the baselines."""
    cells: dict[FullKey, Sums] = {}
    baselines: dict[tuple[str, str], float] = {}
    for row in session.execute(sums_query(in_period(first, last))):
        key: FullKey = (row[0], row[1], row[2], row[3], row[4])
        if row[5] is not None:
            baselines[(key[2], key[4])] = float(row[5])
        values = zip(SUM_FIELDS, row[6:], strict=True)
        cells[key] = Sums(*(type(getattr(_ZERO, name))(value) for name, value in values))
    return CellSums(cells, baselines)
