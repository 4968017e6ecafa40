"""What the shift pages need besides their handlers: times in the centre's zone, and the forms that enter a
shift or a demand (their fields, read into the entries the service checks, and back for editing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from fastapi import Request
from pydantic import ValidationError

from callqa.shifts.entry import demand_entry, shift_entry
from callqa.shifts.models import RoundDemandRow, RoundShiftRow
from callqa.shifts.schemas import DemandEntryIn, ShiftEntryIn, SpanIn
from callqa.shifts.service import as_utc

SHIFT_FIELDS = ("id", "block", "label", "dates", "start", "end", "seats", "skills", "original")
DEMAND_FIELDS = ("date", "start", "end", "skill", "headcount", "original")


@dataclass(frozen=True)
class Clock:
    """Instants as the centre's wall-clock time, e.g. '2027-01-04 09:00'; ``name`` is the zone's."""

    zone: tzinfo
    name: str

    def __call__(self, moment: datetime | None) -> str:
        return f"{as_utc(moment).astimezone(self.zone):%Y-%m-%d %H:%M}" if moment else ""


def clock(request: Request) -> Clock:
    settings = request.app.state.settings
    return Clock(settings.zone(), settings.timezone)


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").replace(";", " ").split() if w]


def too_long(exc: ValidationError) -> str:
    """A form field the entry refuses (too long, too many days), as a cause the page shows."""
    first = exc.errors()[0]
    return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"


def _number(text: str) -> int | None:
    """A whole number typed in a form, or None when empty (the service refuses what is not a count)."""
    text = text.strip()
    return int(text) if text.isascii() and text.lstrip("-").isdigit() and len(text) <= 9 else None


@dataclass(frozen=True)
class ShiftForm:
    """The shift form as typed: days (one span each) share the start and end."""

    values: dict[str, str]

    def entry(self) -> ShiftEntryIn:
        v = self.values
        spans = [SpanIn(date=day, start=v["start"], end=v["end"]) for day in _words(v["dates"])]
        seats = v["seats"].strip()
        return ShiftEntryIn(
            id=v["id"],
            block=v["block"],
            label=v["label"],
            spans=spans,
            seats=_number(seats) if seats else None,
            skills=_words(v["skills"]),
        )

    def unreadable(self) -> str | None:
        """Why the seats field cannot be a number (the others are checked by the service)."""
        seats = self.values["seats"].strip()
        return (
            f"seats '{seats[:20]}' is not a whole number of at least 1"
            if seats and _number(seats) is None
            else None
        )


def shift_form(row: RoundShiftRow | None) -> dict[str, str]:
    """The form's values: empty for a new shift, else the stored shift's (days of its spans, the first
    span's times)."""
    if row is None:
        return dict.fromkeys(SHIFT_FIELDS, "")
    entry = shift_entry(row)
    first = entry.spans[0] if entry.spans else SpanIn(date="", start="", end="")
    return {
        "id": entry.id,
        "block": entry.block,
        "label": entry.label,
        "dates": " ".join(dict.fromkeys(s.date for s in entry.spans)),
        "start": first.start,
        "end": first.end,
        "seats": "" if entry.seats is None else str(entry.seats),
        "skills": "; ".join(entry.skills),
        "original": row.code,
    }


def uneven(row: RoundShiftRow) -> bool:
    """Whether the shift's spans have different times (the form sets one start and end for every day)."""
    return len({(s.start, s.end) for s in shift_entry(row).spans}) > 1


def demand_form(row: RoundDemandRow | None) -> dict[str, str]:
    if row is None:
        return dict.fromkeys(DEMAND_FIELDS, "")
    entry = demand_entry(row)
    return {
        "date": entry.date,
        "start": entry.start,
        "end": entry.end,
        "skill": entry.skill or "",
        "headcount": str(entry.headcount),
        "original": str(row.id),
    }


def demand_entry_of(values: dict[str, str]) -> DemandEntryIn | str:
    """The demand typed in the form, or why its headcount is not a number."""
    count = _number(values["headcount"])
    if count is None:
        return f"headcount '{values['headcount'][:20]}' is not a whole number of at least 0"
    return DemandEntryIn(
        date=values["date"],
        start=values["start"],
        end=values["end"],
        skill=values["skill"].strip() or None,
        headcount=count,
    )


def forms_context(
    shift: dict[str, str] | None = None,
    demand: dict[str, str] | None = None,
    **more: Any,
) -> dict[str, Any]:
    """The round page's form values (empty forms unless given) and anything else for the template."""
    return {
        "shift_form": shift or dict.fromkeys(SHIFT_FIELDS, ""),
        "demand_form": demand or dict.fromkeys(DEMAND_FIELDS, ""),
        **more,
    }
