"""Shifts and demands entered one at a time (on the round's page or over the API) rather than by a CSV file:
add, change, delete. Each entry is checked by the same row readers as the CSV import
(``callqa.shifts.csv_import``), so the causes read the same; a refused entry is one coded error and nothing
is stored. Shifts change only while the round is a draft (bids name them), demands until it is allocated,
as with the import. The caller authorises, audits and commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.csv_import import BadRow, DemandIn, ShiftIn, demand_row, shift_row
from callqa.shifts.models import RoundDemandRow, RoundShiftRow, ShiftRoundRow
from callqa.shifts.schemas import DemandEntryIn, DemandPatchIn, ShiftEntryIn, ShiftPatchIn, SpanIn

SHIFT_STATES = ("draft",)
DEMAND_STATES = ("draft", "open", "closed")


def _expect(row: ShiftRoundRow, action: str, states: tuple[str, ...]) -> None:
    if row.status not in states:
        raise CallqaError(ErrorCode.O112, round=row.name, status=row.status, action=action)


def _checked_shift(row: ShiftRoundRow, data: ShiftEntryIn) -> ShiftIn:
    """The entry read as CSV rows of one shift (one per span); O118 naming the first cause."""
    shown = data.id.strip()[:64] or "(no id)"
    if not data.spans:
        raise CallqaError(ErrorCode.O118, round=row.name, shift=shown, reason="it has no working span")
    common = {
        "shift_id": data.id.strip(),
        "block": data.block.strip(),
        "label": data.label.strip(),
        "seats": "" if data.seats is None else str(data.seats),
        "skills": ";".join(data.skills),
    }
    shifts: dict[str, ShiftIn] = {}
    try:
        for span in data.spans:
            cells = common | {"date": span.date.strip(), "start": span.start.strip(), "end": span.end.strip()}
            shift = shift_row(shifts, cells, row.blocks)
    except BadRow as exc:
        raise CallqaError(ErrorCode.O118, round=row.name, shift=shown, reason=str(exc)) from None
    return shift


def _shift_rows(session: Session, row: ShiftRoundRow) -> dict[str, RoundShiftRow]:
    query = select(RoundShiftRow).where(RoundShiftRow.round_id == row.id)
    return {s.code: s for s in session.scalars(query)}


def _write_shift(target: RoundShiftRow, shift: ShiftIn) -> None:
    target.code = shift.code
    target.block = shift.block
    target.label = shift.label
    target.spans = [[start.isoformat(), end.isoformat()] for start, end in shift.spans]
    target.seats = shift.seats
    target.skills = shift.skills


def add_shift(session: Session, row: ShiftRoundRow, data: ShiftEntryIn) -> RoundShiftRow:
    """A new shift in a draft round (O119 when its id is taken)."""
    _expect(row, "change its shifts", SHIFT_STATES)
    shift = _checked_shift(row, data)
    if shift.code in _shift_rows(session, row):
        raise CallqaError(ErrorCode.O119, round=row.name, shift=shift.code)
    target = RoundShiftRow(round_id=row.id)
    _write_shift(target, shift)
    session.add(target)
    session.flush()
    return target


def find_shift(session: Session, row: ShiftRoundRow, code: str) -> RoundShiftRow:
    """The round's shift with this id (O120 when there is none)."""
    found = _shift_rows(session, row).get(code)
    if found is None:
        raise CallqaError(ErrorCode.O120, round=row.name, shift=code[:64])
    return found


def shift_entry(shift: RoundShiftRow) -> ShiftEntryIn:
    """A stored shift as an entry (what the edit form shows)."""
    spans = []
    for start, end in shift.spans:
        begins, ends = datetime.fromisoformat(start), datetime.fromisoformat(end)
        spans.append(SpanIn(date=begins.date().isoformat(), start=f"{begins:%H:%M}", end=f"{ends:%H:%M}"))
    return ShiftEntryIn(
        id=shift.code,
        block=shift.block,
        label=shift.label,
        spans=spans,
        seats=shift.seats,
        skills=list(shift.skills),
    )


def edit_shift(session: Session, row: ShiftRoundRow, code: str, data: ShiftEntryIn) -> RoundShiftRow:
    """Replace a shift of a draft round (its id may change, to one not taken)."""
    _expect(row, "change its shifts", SHIFT_STATES)
    target = find_shift(session, row, code)
    shift = _checked_shift(row, data)
    if shift.code != code and shift.code in _shift_rows(session, row):
        raise CallqaError(ErrorCode.O119, round=row.name, shift=shift.code)
    _write_shift(target, shift)
    session.flush()
    return target


def patch_shift(session: Session, row: ShiftRoundRow, code: str, patch: ShiftPatchIn) -> RoundShiftRow:
    """Change the fields of a shift that ``patch`` names; the others keep their values."""
    _expect(row, "change its shifts", SHIFT_STATES)
    current = shift_entry(find_shift(session, row, code))
    merged = ShiftEntryIn.model_validate(current.model_dump() | patch.model_dump(exclude_unset=True))
    return edit_shift(session, row, code, merged)


def delete_shift(session: Session, row: ShiftRoundRow, code: str) -> None:
    _expect(row, "change its shifts", SHIFT_STATES)
    session.delete(find_shift(session, row, code))
    session.flush()


def _checked_demand(row: ShiftRoundRow, data: DemandEntryIn, shown: str) -> DemandIn:
    cells = {
        "date": data.date.strip(),
        "start": data.start.strip(),
        "end": data.end.strip(),
        "skill": (data.skill or "").strip(),
        "headcount": str(data.headcount),
    }
    try:
        return demand_row(cells)
    except BadRow as exc:
        raise CallqaError(ErrorCode.O121, round=row.name, demand=shown, reason=str(exc)) from None


def _write_demand(target: RoundDemandRow, demand: DemandIn) -> None:
    target.starts, target.ends = demand.starts, demand.ends
    target.skill, target.headcount = demand.skill, demand.headcount


def add_demand(session: Session, row: ShiftRoundRow, data: DemandEntryIn) -> RoundDemandRow:
    """A new headcount of the round (until it is allocated)."""
    _expect(row, "change its demands", DEMAND_STATES)
    target = RoundDemandRow(round_id=row.id)
    _write_demand(target, _checked_demand(row, data, "(new)"))
    session.add(target)
    session.flush()
    return target


def find_demand(session: Session, row: ShiftRoundRow, demand_id: int) -> RoundDemandRow:
    """The round's demand with this id (O122 when there is none, or it is another round's)."""
    found = session.get(RoundDemandRow, demand_id)
    if found is None or found.round_id != row.id:
        raise CallqaError(ErrorCode.O122, round=row.name, demand=demand_id)
    return found


def demand_entry(demand: RoundDemandRow) -> DemandEntryIn:
    """A stored demand as an entry (what the edit form shows)."""
    return DemandEntryIn(
        date=demand.starts.date().isoformat(),
        start=f"{demand.starts:%H:%M}",
        end=f"{demand.ends:%H:%M}",
        skill=demand.skill,
        headcount=demand.headcount,
    )


def edit_demand(session: Session, row: ShiftRoundRow, demand_id: int, data: DemandEntryIn) -> RoundDemandRow:
    _expect(row, "change its demands", DEMAND_STATES)
    target = find_demand(session, row, demand_id)
    _write_demand(target, _checked_demand(row, data, str(demand_id)))
    session.flush()
    return target


def patch_demand(
    session: Session, row: ShiftRoundRow, demand_id: int, patch: DemandPatchIn
) -> RoundDemandRow:
    """Change the fields of a demand that ``patch`` names; the others keep their values."""
    _expect(row, "change its demands", DEMAND_STATES)
    current: dict[str, Any] = demand_entry(find_demand(session, row, demand_id)).model_dump()
    changes = patch.model_dump(exclude_unset=True)
    if changes.get("headcount", 0) is None:
        changes.pop("headcount")
    merged = DemandEntryIn.model_validate(current | changes)
    return edit_demand(session, row, demand_id, merged)


def delete_demand(session: Session, row: ShiftRoundRow, demand_id: int) -> None:
    _expect(row, "change its demands", DEMAND_STATES)
    session.delete(find_demand(session, row, demand_id))
    session.flush()
