"""Times as people and tools write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callqa.core.errors import CallqaError
from callqa.ingest.timecodes import parse_clock, parse_datetime, parse_offset


@pytest.mark.parametrize(
    ("value", "ms"),
    [("00:05", 5000), ("1:02", 62000), ("01:02.5", 62500), ("1:02:03.5", 3723500), ("0:00:00,25", 250)],
)
def test_clock_times(value: str, ms: int) -> None:
    assert parse_clock(value) == ms


@pytest.mark.parametrize("value", ["61:00:99", "1:75", "abc", "12"])
def test_bad_clock_times_are_refused(value: str) -> None:
    with pytest.raises(CallqaError, match=r"\[I302\]"):
        parse_clock(value)


@pytest.mark.parametrize(
    ("value", "unit", "ms"),
    [
        ("62.5", "auto", 62500),
        ("1500ms", "auto", 1500),
        ("90s", "auto", 90000),
        ("250", "ms", 250),
        ("12", "s", 12000),
        (62500, "auto", 62500),
        (3.5, "auto", 3500),
        ("01:02", "ms", 62000),
    ],
)
def test_offsets_in_every_spelling(value: str | float, unit: str, ms: int) -> None:
    assert parse_offset(value, unit) == ms


def test_datetimes_are_utc_and_respect_the_default_zone() -> None:
    assert parse_datetime("2026-10-05T09:14:00Z") == datetime(2026, 10, 5, 9, 14, tzinfo=UTC)
    assert parse_datetime("2026-10-05 09:14", "Asia/Shanghai") == datetime(2026, 10, 5, 1, 14, tzinfo=UTC)
    assert parse_datetime("05/10/2026 09:14 +0330") == datetime(2026, 5, 10, 5, 44, tzinfo=UTC)
    assert parse_datetime(1_790_000_000) == parse_datetime(1_790_000_000_000)


def test_unknown_zone_and_nonsense_are_refused() -> None:
    with pytest.raises(CallqaError, match="unknown time zone"):
        parse_datetime("2026-10-05 09:14", "Mars/Olympus")
    with pytest.raises(CallqaError, match=r"\[I302\]"):
        parse_datetime("next tuesday-ish")


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", 10**17])
def test_dates_at_the_calendar_edge_are_refused_not_crashed(value: str | int) -> None:
    with pytest.raises(CallqaError, match="out of range"):
        parse_datetime(value)
