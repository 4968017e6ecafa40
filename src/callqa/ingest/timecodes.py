"""Reading times written by people and tools: ``[01:02]``, ``1:02:03.5``, ``62.5`` (s), ``62500`` (ms)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

from callqa.core.errors import CallqaError, ErrorCode

_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
# Minutes may run past 59 when no hours are given: [100:00] is 100 minutes into a long call.
_CLOCK = re.compile(r"^(?:(\d{1,4}):)?(\d{1,4}):(\d{1,2}(?:[.,]\d{1,3})?)$")


def parse_clock(value: str) -> int:
    """``mm:ss`` (``100:00`` too), ``hh:mm:ss`` with optional fraction → milliseconds. Raises I302."""
    match = _CLOCK.match(value.strip())
    if not match:
        raise CallqaError(ErrorCode.I302, value=value, reason="expected mm:ss or hh:mm:ss[.f]")
    hours, minutes, seconds = match.groups()
    mins, secs = int(minutes), float(seconds.replace(",", "."))
    if hours is not None and mins >= 60:
        raise CallqaError(ErrorCode.I302, value=value, reason="minutes must be under 60")
    if secs >= 60:
        raise CallqaError(ErrorCode.I302, value=value, reason="seconds must be under 60")
    total = (int(hours or 0) * 3600 + mins * 60) * 1000 + secs * 1000
    return round(total)


def parse_offset(value: str | float | int, unit: str = "auto") -> int:
    """A time offset in any common spelling → milliseconds.

    ``unit`` applies to bare numbers: ``ms``, ``s``, or ``auto`` (a number with a fraction is seconds,
    an integer is milliseconds when large, otherwise seconds).
    """
    if isinstance(value, bool):
        raise CallqaError(ErrorCode.I302, value=value, reason="not a time")
    if isinstance(value, int | float):
        number, raw = float(value), str(value)
    else:
        raw = value.strip().lower()
        if ":" in raw:
            return parse_clock(raw)
        digits = raw
        if raw.endswith("ms"):
            unit, digits = "ms", raw[:-2]
        elif raw.endswith("s"):
            unit, digits = "s", raw[:-1]
        try:
            number = float(digits.strip().replace(",", "."))
        except ValueError:
            raise CallqaError(ErrorCode.I302, value=value, reason="not a number or a clock time") from None
    if number < 0:
        raise CallqaError(ErrorCode.I302, value=raw, reason="negative time")
    if unit == "ms":
        return round(number)
    if unit == "s":
        return round(number * 1000)
    is_integer = number.is_integer() and "." not in raw
    return round(number) if is_integer and number >= 10_000 else round(number * 1000)


def parse_datetime(value: str | float | int, default_tz: str = "UTC") -> datetime:
    """ISO 8601 text, common date-time spellings, or Unix seconds / milliseconds → aware datetime.

    Times without a zone are taken in ``default_tz``. Raises I302.
    """
    if isinstance(value, bool):
        raise CallqaError(ErrorCode.I302, value=value, reason="not a date-time")
    if isinstance(value, int | float) or (isinstance(value, str) and _EPOCH.match(value.strip())):
        number = float(value)
        seconds = number / 1000 if number > 100_000_000_000 else number
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise CallqaError(ErrorCode.I302, value=value, reason="out of range") from exc
    text = value.strip()
    if not text:
        raise CallqaError(ErrorCode.I302, value=value, reason="empty")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dateutil_parser.parse(text)
        except (ValueError, OverflowError) as exc:
            raise CallqaError(ErrorCode.I302, value=value, reason="not a date-time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(default_tz))
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 shifted past the calendar's edge
        raise CallqaError(ErrorCode.I302, value=value, reason="out of range") from exc


def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CallqaError(ErrorCode.I302, value=name, reason="unknown time zone") from exc
