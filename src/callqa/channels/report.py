"""The channel-preference report of one period (and the one before it, for trends), and its CSV tables.

``channel_report(session, period, teams=...)`` is what the CLI, the API and the page show; ``csv_table`` turns
one of its tables (``TABLES``) into CSV. Nothing in it names a customer but by pseudonym, and the per-customer
table is only built when asked for (analysts and admins).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from callqa.channels.customers import DEFAULT_LINK_DAYS, DEFAULT_WINDOW_DAYS, Journey, Period, journeys
from callqa.channels.flows import ChannelRow, MoveRow, ReasonChannelRow, channel_rows, move_rows, reason_rows
from callqa.channels.segments import MIN_CUSTOMERS, SegmentSize, segment_sizes, shown
from callqa.core.csvfile import write_records
from callqa.core.errors import CallqaError, ErrorCode

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
TABLES = ("segments", "channels", "moves", "reasons", "customers")


@dataclass(frozen=True)
class Days:
    """The period as the centre's local days, first and last included."""

    since: date
    until: date
    zone: ZoneInfo

    def period(self, window: int = DEFAULT_WINDOW_DAYS, link_days: int = DEFAULT_LINK_DAYS) -> Period:
        start = datetime.combine(self.since, time(), self.zone)
        end = datetime.combine(self.until + timedelta(days=1), time(), self.zone)
        return Period(start, end, window, link_days)

    @property
    def length(self) -> int:
        return (self.until - self.since).days + 1


def parse_days(since: str | None, until: str | None, zone: ZoneInfo, today: date) -> Days:
    """The period asked for: ``since``/``until`` (YYYY-MM-DD, both included); by default the 90 days up to
    today, or up to ``until``. O150 for a value that is not a day, O151 for a period backwards or too long."""
    last = _day("until", until) or today
    first = _day("since", since) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise CallqaError(ErrorCode.O151, since=first, until=last, reason="ends before it starts")
    if (last - first).days + 1 > MAX_DAYS:
        raise CallqaError(ErrorCode.O151, since=first, until=last, reason=f"is longer than {MAX_DAYS} days")
    return Days(first, last, zone)


def _day(field: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CallqaError(ErrorCode.O150, field=field, value=value[:40]) from None


@dataclass(frozen=True)
class ChannelReport:
    days: Days
    min_customers: int
    customers: int | None  # keyed customers with a contact in the period (hidden under the minimum)
    previous_customers: int | None
    contacts: int
    segments: list[SegmentSize]
    channels: list[ChannelRow]
    moves: list[MoveRow]
    reasons: list[ReasonChannelRow]
    journeys: list[Journey]

    @property
    def hidden(self) -> int:
        """How many segments and cells are not shown (fewer customers than the minimum)."""
        return (
            sum(s.customers is None for s in self.segments)
            + sum(r.hidden for r in self.channels)
            + sum(r.hidden for r in self.moves)
            + sum(r.hidden for r in self.reasons)
        )

    def summary_json(self) -> dict[str, Any]:
        return {
            "since": self.days.since.isoformat(),
            "until": self.days.until.isoformat(),
            "min_customers": self.min_customers,
            "customers": self.customers,
            "previous_customers": self.previous_customers,
            "hidden": self.hidden,
        }


def channel_report(
    session: Session,
    days: Days,
    *,
    scope: ColumnElement[bool] | None = None,
    window: int = DEFAULT_WINDOW_DAYS,
    least: int = MIN_CUSTOMERS,
    link_days: int = DEFAULT_LINK_DAYS,
) -> ChannelReport:
    """Segments with their trend, channels, reasons moving between channels, for ``days`` (the
    interactions ``scope`` keeps only, when given: the viewer's, ``access.policies.interaction_scope``);
    customers' keys are tied by the interactions of ``link_days`` before each period too."""
    period = days.period(window, link_days)
    current = journeys(session, period, scope)
    previous = journeys(session, period.previous(), scope)
    return ChannelReport(
        days,
        least,
        shown(len(current), least),
        shown(len(previous), least),
        sum(len(j.contacts) for j in current),
        segment_sizes(current, previous, least),
        channel_rows(current, least),
        move_rows(current, least),
        reason_rows(current, least),
        current,
    )


def table_records(report: ChannelReport, table: str) -> list[dict[str, Any]]:
    """The rows of one of ``TABLES`` as flat records (O152 for another name)."""
    if table == "segments":
        return [s.as_json() for s in report.segments]
    if table == "channels":
        return [r.as_json() for r in report.channels]
    if table == "moves":
        return [r.as_json() for r in report.moves]
    if table == "reasons":
        return [r.as_json() for r in report.reasons]
    if table == "customers":
        return [_flat(j.as_json()) for j in report.journeys]
    raise CallqaError(ErrorCode.O152, table=table[:40], known=", ".join(TABLES))


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    """A customer's nested figures as columns (``voice_contacts``, ``chat_csat``, ``resolved_on_email``)."""
    out = {k: v for k, v in record.items() if not isinstance(v, dict)}
    for channel, figures in record["channels"].items():
        out[f"{channel}_contacts"] = figures["contacts"]
        out[f"{channel}_share"] = round(figures["share"], 4)
    for channel, count in record["resolved_on"].items():
        out[f"resolved_on_{channel}"] = count
    for channel, sat in record["satisfaction"].items():
        out[f"{channel}_csat"] = sat["csat"]
        out[f"{channel}_predicted_csat"] = sat["predicted_csat"]
    return out


def csv_table(report: ChannelReport, table: str) -> str:
    """One table of the report as CSV text."""
    records = table_records(report, table)
    out = io.StringIO()
    write_records(out, records)
    return out.getvalue()
