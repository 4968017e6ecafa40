"""Numbers, percentages, dates and weekday names in the reader's locale (Babel).

Persian pages keep Latin digits (Babel's default numbering system for ``fa_IR`` is ``latn``, and its date
formats always write Latin digits): ids, scores, clock times and the transcripts' own times then read the
same everywhere on a page. Dates use the Gregorian calendar in every language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from babel.dates import format_date, format_datetime, get_day_names, get_month_names
from babel.numbers import format_decimal, format_percent


def number(value: float | None, digits: int = 0, *, locale: str) -> str:
    """``value`` with ``digits`` decimals and the locale's separators; '–' for none."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(round(float(value), digits), format=pattern, locale=locale))


def percent(value: float | None, digits: int = 0, *, locale: str) -> str:
    """A share (0.734) as the locale writes a percentage ('73 %' in Lithuanian); '–' for none."""
    if value is None:
        return "–"
    return str(format_percent(round(float(value), digits + 2), locale=locale, decimal_quantization=False))


def day(value: date | datetime | None, style: str = "medium", *, locale: str) -> str:
    """A date as the locale writes it ('6 Dec 2026', '2026年12月6日', '2026-12-06')."""
    return str(format_date(value, style, locale=locale)) if value else ""


def moment(value: datetime | None, style: str = "short", *, locale: str) -> str:
    """A date and time as the locale writes it, in the value's own time zone."""
    return str(format_datetime(value, style, tzinfo=value.tzinfo, locale=locale)) if value else ""


DayWidth = Literal["abbreviated", "narrow", "short", "wide"]
MonthWidth = Literal["abbreviated", "narrow", "wide"]


def weekday_names(locale: str, width: DayWidth = "abbreviated") -> tuple[str, ...]:
    """Monday … Sunday in the locale."""
    names = get_day_names(width, locale=locale)
    return tuple(str(names[i]) for i in range(7))


def month_name(month: int, locale: str, width: MonthWidth = "wide") -> str:
    """January (1) … December (12) in the locale."""
    return str(get_month_names(width, locale=locale)[month])


def format_filters(locale: str) -> dict[str, Callable[..., Any]]:
    """The template filters that format for the Babel ``locale``."""
    return {
        "number": lambda value, digits=0: number(value, digits, locale=locale),
        "percent": lambda value, digits=0: percent(value, digits, locale=locale),
        "date": lambda value, style="medium": day(value, style, locale=locale),
        "datetime": lambda value, style="short": moment(value, style, locale=locale),
        "weekday": lambda index, width="wide": weekday_names(locale, width)[int(index)],
        "month": lambda index, width="wide": month_name(int(index), locale, width),
    }
