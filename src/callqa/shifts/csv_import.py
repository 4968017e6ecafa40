"""Reading a round's shifts, demands and agent settings from CSV: one coded error per bad row (naming the
file, the row and the cause) while the good rows still load; a file that cannot be read at all is one error.

Columns (a header row first; names in any case; row numbers count the header as row 1, as spreadsheets do):

- shifts: ``shift_id, block, label, date, start, end, seats, skills`` — one row per working span; more rows
  with the same ``shift_id`` add spans to it. ``date`` (or ``day``) is YYYY-MM-DD, ``start``/``end`` HH:MM
  in the centre's local time (an end at or before the start ends the next day); ``seats`` empty for no
  limit; ``skills`` separated by ``;``. ``label`` and ``seats`` and ``skills`` are optional columns.
- demands: ``date, start, end, skill, headcount`` — ``skill`` empty (or the column left out) for any agent.
- agents: ``agent, skills, blocks`` — the user name, the skills they hold, the blocks they work (empty:
  every block of the round).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar

from callqa.core.decoding import decode_text
from callqa.core.errors import CallqaError, ErrorCode

SHIFT_COLUMNS = ("shift_id", "block", "label", "date", "start", "end", "seats", "skills")
DEMAND_COLUMNS = ("date", "start", "end", "skill", "headcount")
AGENT_COLUMNS = ("agent", "skills", "blocks")
MAX_ROWS = 100_000
MAX_NAME = 64
T = TypeVar("T")


@dataclass
class ShiftIn:
    code: str
    block: str
    label: str
    spans: list[tuple[datetime, datetime]]
    seats: int | None
    skills: list[str]


@dataclass(frozen=True)
class DemandIn:
    starts: datetime
    ends: datetime
    skill: str | None
    headcount: int


@dataclass(frozen=True)
class AgentIn:
    row: int
    username: str
    skills: list[str]
    blocks: list[str] | None


@dataclass
class Parsed(Generic[T]):
    items: list[T] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class BadRow(ValueError):
    """Why one row (or one entry made on the page or over the API) is refused."""


def _rows(data: bytes, file: str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cells by lower-case column) of each data row; O114 when the file cannot be read."""
    try:
        text, _ = decode_text(data)
    except CallqaError as exc:
        raise CallqaError(ErrorCode.O114, file=file, reason=str(exc)) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise CallqaError(ErrorCode.O114, file=file, reason=f"not CSV: {exc}") from exc
    missing = [c for c in required if c not in header and not (c == "date" and "day" in header)]
    if missing:
        shown = ", ".join(header) or "none"
        reason = f"no column {', '.join(missing)} (columns: {shown})"
        raise CallqaError(ErrorCode.O114, file=file, reason=reason)
    header = ["date" if h == "day" and "date" not in header else h for h in header]
    try:
        for count, cells in enumerate(reader, start=1):
            if count > MAX_ROWS:
                raise CallqaError(ErrorCode.O114, file=file, reason=f"more than {MAX_ROWS} rows")
            if not any(c.strip() for c in cells):
                continue
            yield reader.line_num, {h: c.strip() for h, c in zip(header, cells, strict=False)}
    except csv.Error as exc:
        raise CallqaError(
            ErrorCode.O114, file=file, reason=f"cannot read row {reader.line_num}: {exc}"
        ) from exc


def _name(cells: dict[str, str], column: str, *, required: bool = True) -> str:
    value = cells.get(column, "")
    if required and not value:
        raise BadRow(f"{column} is empty")
    if len(value) > MAX_NAME:
        raise BadRow(f"{column} '{value[:20]}…' is longer than {MAX_NAME} characters")
    return value


def _list(cells: dict[str, str], column: str) -> list[str]:
    items = [s.strip() for s in cells.get(column, "").split(";") if s.strip()]
    for item in items:
        if len(item) > MAX_NAME:
            raise BadRow(f"{column}: '{item[:20]}…' is longer than {MAX_NAME} characters")
    return sorted(set(items))


def _span(cells: dict[str, str]) -> tuple[datetime, datetime]:
    """[start, end) of the row's date and times; an end at or before the start is on the next day."""
    try:
        day = date.fromisoformat(cells.get("date", ""))
    except ValueError:
        raise BadRow(f"date '{cells.get('date', '')}' is not YYYY-MM-DD") from None
    moments = []
    for column in ("start", "end"):
        raw = cells.get(column, "")
        try:
            moments.append(time.fromisoformat(raw))
        except ValueError:
            raise BadRow(f"{column} '{raw}' is not a time HH:MM") from None
    start = datetime.combine(day, moments[0])
    end = datetime.combine(day, moments[1])
    if end > start:
        return start, end
    if day == date.max:
        raise BadRow(f"end {cells.get('end', '')} would be after the year 9999")
    return start, end + timedelta(days=1)


def _count(cells: dict[str, str], column: str, *, least: int) -> int:
    raw = cells.get(column, "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) >= least):
        raise BadRow(f"{column} '{raw}' is not a whole number of at least {least}")
    return int(raw)


def _fail(errors: list[str], file: str, row: int, reason: object) -> None:
    errors.append(str(CallqaError(ErrorCode.O113, file=file, row=row, reason=reason)))


def shift_row(shifts: dict[str, ShiftIn], cells: dict[str, str], blocks: Sequence[str]) -> ShiftIn:
    """Add one row's span to ``shifts`` (a new shift for a new ``shift_id``); BadRow when it is refused
    (nothing is changed then)."""
    code = _name(cells, "shift_id")
    block = _name(cells, "block")
    if block not in blocks:
        raise BadRow(f"block '{block}' is not one of the round's ({', '.join(blocks)})")
    span = _span(cells)
    seats = _count(cells, "seats", least=1) if cells.get("seats") else None
    skills = _list(cells, "skills")
    label = cells.get("label", "")[:255]
    known = shifts.get(code)
    if known is None:
        label = label or f"{span[0]:%a %Y-%m-%d %H:%M}–{span[1]:%H:%M}"
        shifts[code] = ShiftIn(code, block, label, [span], seats, skills)
        return shifts[code]
    if known.block != block:
        raise BadRow(f"shift {code} is in block '{known.block}' on an earlier row, not '{block}'")
    if (cells.get("seats") and seats != known.seats) or (cells.get("skills") and skills != known.skills):
        raise BadRow(f"shift {code}: seats and skills differ from its earlier row")
    if any(span[0] < end and start < span[1] for start, end in known.spans):
        raise BadRow(f"shift {code}: this span overlaps another of its spans")
    known.spans.append(span)
    known.spans.sort()
    return known


def demand_row(cells: dict[str, str]) -> DemandIn:
    """One row's demand; BadRow when it is refused."""
    starts, ends = _span(cells)
    skill = _name(cells, "skill", required=False) or None
    return DemandIn(starts, ends, skill, _count(cells, "headcount", least=0))


def parse_shifts(data: bytes, file: str, blocks: Sequence[str]) -> Parsed[ShiftIn]:
    """The shifts of a CSV file, spans of one ``shift_id`` gathered; rows naming a block outside ``blocks``
    or disagreeing with the shift's first row are refused."""
    parsed: Parsed[ShiftIn] = Parsed()
    shifts: dict[str, ShiftIn] = {}
    for row, cells in _rows(data, file, ("shift_id", "block", "date", "start", "end")):
        try:
            shift_row(shifts, cells, blocks)
        except BadRow as exc:
            _fail(parsed.errors, file, row, exc)
    parsed.items = [s for s in shifts.values()]
    for shift in parsed.items:
        shift.spans.sort()
    return parsed


def parse_demands(data: bytes, file: str) -> Parsed[DemandIn]:
    """The headcount each interval needs (per skill, or in total)."""
    parsed: Parsed[DemandIn] = Parsed()
    for row, cells in _rows(data, file, ("date", "start", "end", "headcount")):
        try:
            parsed.items.append(demand_row(cells))
        except BadRow as exc:
            _fail(parsed.errors, file, row, exc)
    return parsed


def parse_agents(data: bytes, file: str, blocks: Sequence[str]) -> Parsed[AgentIn]:
    """The agents' settings for a round (whether each agent exists is the caller's to check)."""
    parsed: Parsed[AgentIn] = Parsed()
    seen: set[str] = set()
    for row, cells in _rows(data, file, ("agent",)):
        try:
            username = cells.get("agent", "")
            if not username or len(username) > 128:
                raise BadRow("agent is empty" if not username else "agent is longer than 128 characters")
            if username in seen:
                raise BadRow(f"agent {username} is on an earlier row already")
            works = _list(cells, "blocks")
            unknown = [b for b in works if b not in blocks]
            if unknown:
                raise BadRow(f"block '{unknown[0]}' is not one of the round's ({', '.join(blocks)})")
            seen.add(username)
            parsed.items.append(AgentIn(row, username, _list(cells, "skills"), works or None))
        except BadRow as exc:
            _fail(parsed.errors, file, row, exc)
    return parsed
