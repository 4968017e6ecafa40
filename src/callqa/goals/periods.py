"""Goal and leaderboard periods: calendar weeks (Monday first), months and quarters of local days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from callqa.core.query import Days

PeriodKind = Literal["week", "month", "quarter"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter")
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)  # days a goal or a leaderboard may be about


def in_range(day: date) -> bool:
    """Whether periods around ``day`` (and the one before) are dates Python can hold."""
    return EARLIEST <= day <= LATEST


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(kind: PeriodKind, day: date) -> Days:
    """The week, month or quarter holding ``day``."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return Days(first, first + timedelta(days=6))
    months = 1 if kind == "month" else 3
    first = day.replace(day=1) if kind == "month" else date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Days(first, _add_months(first, months) - timedelta(days=1))


def previous(kind: PeriodKind, days: Days) -> Days:
    """The period just before ``days`` (a period of the same kind)."""
    return period_of(kind, days.first - timedelta(days=1))


def starts_period(kind: PeriodKind, day: date) -> bool:
    """Whether ``day`` is the first day of its week, month or quarter."""
    return period_of(kind, day).first == day
