"""The round page's forms that enter one shift or one demand (add, save an edited one, delete): plain HTML
forms, POST then redirect back to the round; a refused entry is shown next to its form with the values
typed, and nothing is stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts import entry
from callqa.shifts.models import ShiftRoundRow
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, RowId, audit
from callqa.web.routes.shift_forms import ShiftForm, demand_entry_of, forms_context, too_long
from callqa.web.routes.shift_pages import round_view
from callqa.web.routes.shift_rounds import managed_round

pages = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]


def _back(row: ShiftRoundRow, anchor: str) -> Response:
    return RedirectResponse(f"/shifts/{row.id}#{anchor}", status_code=303)


@pages.post("/shifts/{round_id}/entry/shift", name="shift_entry")
def save_shift(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    id: Text = "",
    block: Text = "",
    label: Text = "",
    dates: Text = "",
    start: Text = "",
    end: Text = "",
    seats: Text = "",
    skills: Text = "",
    original: Text = "",
    delete: Text = "",
) -> Response:
    """Add a shift (no ``original``), save an edited one (``original``: its id before) or delete it."""
    row = managed_round(session, actor, round_id)
    values = {"id": id, "block": block, "label": label, "dates": dates, "start": start, "end": end}
    form = ShiftForm(values | {"seats": seats, "skills": skills, "original": original})
    try:
        if delete and original:
            entry.delete_shift(session, row, original)
            audit(request, session, actor, "delete_shift", "shift_round", row.id, {"shift": original})
            return _back(row, "shifts")
        bad_seats = form.unreadable()
        if bad_seats:
            raise CallqaError(ErrorCode.O118, round=row.name, shift=id.strip()[:64], reason=bad_seats)
        try:
            data = form.entry()
        except ValidationError as exc:
            raise CallqaError(
                ErrorCode.O118, round=row.name, shift=id.strip()[:64], reason=too_long(exc)
            ) from None
        if original:
            entry.edit_shift(session, row, original, data)
        else:
            entry.add_shift(session, row, data)
    except CallqaError as exc:
        return _show_refusal(request, session, actor, row, "shift", form.values, str(exc))
    action = "edit_shift" if original else "add_shift"
    detail = {"shift": data.id, "was": original or None, "entry": data.model_dump(mode="json")}
    audit(request, session, actor, action, "shift_round", row.id, detail)
    return _back(row, "shifts")


@pages.post("/shifts/{round_id}/entry/demand", name="demand_entry")
def save_demand(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    date: Text = "",
    start: Text = "",
    end: Text = "",
    skill: Text = "",
    headcount: Text = "",
    original: Text = "",
    delete: Text = "",
) -> Response:
    """Add a demand (no ``original``), save an edited one (``original``: its id) or delete it."""
    row = managed_round(session, actor, round_id)
    values = {"date": date, "start": start, "end": end, "skill": skill, "headcount": headcount}
    values["original"] = original
    demand_id = int(original) if original.isascii() and original.isdigit() and len(original) < 12 else None
    try:
        if original and demand_id is None:
            raise CallqaError(ErrorCode.O122, round=row.name, demand=original[:20])
        if delete and demand_id is not None:
            entry.delete_demand(session, row, demand_id)
            audit(request, session, actor, "delete_demand", "shift_round", row.id, {"demand": demand_id})
            return _back(row, "demands")
        try:
            data = demand_entry_of(values)
        except ValidationError as exc:
            raise CallqaError(
                ErrorCode.O121, round=row.name, demand=original or "(new)", reason=too_long(exc)
            ) from None
        if isinstance(data, str):
            shown = str(demand_id) if demand_id is not None else "(new)"
            raise CallqaError(ErrorCode.O121, round=row.name, demand=shown, reason=data)
        if demand_id is not None:
            saved = entry.edit_demand(session, row, demand_id, data)
        else:
            saved = entry.add_demand(session, row, data)
    except CallqaError as exc:
        return _show_refusal(request, session, actor, row, "demand", values, str(exc))
    action = "edit_demand" if demand_id is not None else "add_demand"
    audit(request, session, actor, action, "shift_round", row.id, {"demand": saved.id} | data.model_dump())
    return _back(row, "demands")


def _show_refusal(
    request: Request,
    session: Session,
    actor: Actor,
    row: ShiftRoundRow,
    form: str,
    values: dict[str, str],
    error: str,
) -> Response:
    """The round's page with the refused form as typed and its error (422); nothing of it was stored (the
    service refuses before it writes)."""
    if form == "shift":
        context = forms_context(shift=values, shift_error=error)
    else:
        context = forms_context(demand=values, demand_error=error)
    return round_view(request, session, actor, row, forms=context, status=422)
