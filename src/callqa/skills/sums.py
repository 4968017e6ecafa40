"""The sums behind skill profiles, added up by the database: one row per agent × team × contact reason ×
language × channel with the counts, sums and sums of squares the profiles need, and the handle-time
baseline of each reason and channel.

Plain SQL that SQLite and PostgreSQL both run:

* **cell sums**: one ``GROUP BY`` agent, team, reason, language and channel over the period's facts, the
  handle time entering as Σ ln(handle time) and Σ ln²(handle time);
* **baselines**: per reason and channel, the median handle time of the good interactions (``GOOD_SCORE``
  or more and, when surveyed, CSAT 4–5), by window functions (row number and count per group: the middle
  row, or the mean of the two middle rows); where fewer than ``MIN_GOOD`` are good, the median of all of
  that reason and channel, by the same query narrowed to those groups.

Each cell's Σ (ln h − ln baseline) and its square then follow in Python from the two log sums. A quarter of
a million interactions thus returns a few thousand rows instead of a million, and memory stays flat;
:mod:`callqa.skills.profiles` rolls the cells up and shrinks them.
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


@dataclass(slots=True)
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
        # spelled out: the roll-ups merge each full cell about ten times, and a loop over the field names
        # with getattr / setattr takes three times as long
        self.n += other.n
        self.scored += other.scored
        self.score += other.score
        self.score2 += other.score2
        self.surveyed += other.surveyed
        self.csat += other.csat
        self.csat2 += other.csat2
        self.predicted_n += other.predicted_n
        self.predicted += other.predicted
        self.recontact += other.recontact
        self.handled += other.handled
        self.log_ratio += other.log_ratio
        self.log_ratio2 += other.log_ratio2

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
_TYPES = tuple(type(getattr(Sums(), name)) for name in SUM_FIELDS)  # int counts, float sums


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


GOOD = and_(F.score.is_not(None), F.score >= GOOD_SCORE, or_(F.csat.is_(None), F.csat >= 4))


def medians_query(where: list[ColumnElement[bool]]) -> Select[Any]:
    """(reason, channel, median handle time ms, interactions it is the median of) over the facts
    ``where`` selects that have a handle time."""
    timed = select(F.reason, F.channel, F.handle_ms).where(F.handle_ms > 0, *where).subquery()
    group = (timed.c.reason, timed.c.channel)
    ranked = select(
        *group,
        timed.c.handle_ms,
        func.row_number().over(partition_by=group, order_by=timed.c.handle_ms).label("rank"),
        func.count().over(partition_by=group).label("n"),
    ).subquery()
    r = ranked.c
    base = cast(func.avg(r.handle_ms), Float)
    return (
        select(r.reason, r.channel, base, func.max(r.n))
        .where(_middle(r.rank, r.n))
        .group_by(r.reason, r.channel)
    )


def _total(value: Any) -> Any:
    return func.coalesce(func.sum(value), literal(0))


def sums_query(where: list[ColumnElement[bool]]) -> Select[Any]:
    """One row per agent, team, reason, language and channel: every field of :class:`Sums` in order, the
    handle-time ones as Σ ln(handle time) and Σ ln²(handle time) (the baseline is subtracted after)."""
    log = case((F.handle_ms > 0, func.ln(cast(F.handle_ms, Float))), else_=None)
    keys = (F.agent, F.team, F.reason, F.language, F.channel)
    # grouped reason first: SQLite then scans the table instead of walking the (agent, day) index, a
    # fifth faster here
    order = (F.reason, F.channel, F.language, F.agent, F.team)
    return select(
        *keys,
        func.count(),
        func.count(F.score), _total(F.score), _total(F.score * F.score),
        func.count(F.csat), _total(F.csat), _total(F.csat * F.csat),
        func.count(F.predicted_csat), _total(F.predicted_csat),
        _total(case((F.recontact, 1), else_=0)),
        func.count(log), _total(log), _total(log * log),
    ).where(*where).group_by(*order)  # fmt: skip


def baselines(
    session: Session, where: list[ColumnElement[bool]], timed: set[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """The baseline handle time (ms) per reason and channel of ``timed``: the median of the good
    interactions; of all of them where fewer than ``MIN_GOOD`` are good (a narrower query, seldom run)."""
    found: dict[tuple[str, str], float] = {}
    for reason, channel, median, n in session.execute(medians_query([*where, GOOD])):
        if n >= MIN_GOOD:
            found[(reason, channel)] = float(median)
    short = sorted(timed - found.keys())
    for at in range(0, len(short), 200):  # a bounded number of alternatives per statement
        few = or_(
            *(and_(F.reason == reason, F.channel == channel) for reason, channel in short[at : at + 200])
        )
        for reason, channel, median, _n in session.execute(medians_query([*where, few])):
            found[(reason, channel)] = float(median)
    return found


def cell_sums(session: Session, first: date | None = None, last: date | None = None) -> CellSums:
    """The sums of every agent × team × reason × language × channel over the period, and the baselines."""
    where = in_period(first, last)
    cells: dict[FullKey, Sums] = {}
    for row in session.execute(sums_query(where)):
        values = zip(_TYPES, row[5:], strict=True)
        cells[(row[0], row[1], row[2], row[3], row[4])] = Sums(*(kind(value) for kind, value in values))
    bases = baselines(session, where, {(k[2], k[4]) for k, sums in cells.items() if sums.handled})
    for key, sums in cells.items():
        if sums.handled:  # Σ (ln h − ln b) and Σ (ln h − ln b)², from Σ ln h and Σ ln² h
            b = math.log(bases[(key[2], key[4])])
            logs, squares = sums.log_ratio, sums.log_ratio2
            sums.log_ratio = logs - sums.handled * b
            sums.log_ratio2 = squares - 2 * b * logs + sums.handled * b * b
    return CellSums(cells, bases)
