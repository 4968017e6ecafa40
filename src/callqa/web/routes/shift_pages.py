"""Shift bidding pages: an agent's "My shifts" (rank choices per block, then the outcome and why) and, for
those who run or read rounds, the rounds list and a round's page (CSV uploads, window, bids, allocation,
publishing)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.import_report import ImportReport
from callqa.shifts import entry, reading, service
from callqa.shifts.models import ShiftRoundRow
from callqa.shifts.problem import RULES
from callqa.shifts.schemas import RoundIn
from callqa.users.schemas import Actor, UserRole
from callqa.views.teams import known_teams
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, validated
from callqa.web.render import render
from callqa.web.routes.goals import gettext_for
from callqa.web.routes.shift_forms import clock, demand_form, forms_context, shift_form, uneven
from callqa.web.routes.shift_rounds import (
    IMPORTS,
    Allocator,
    managed_round,
    own,
    visible_round,
)
from callqa.web.uploads import read_upload

pages = APIRouter(include_in_schema=False)
ORDERS = {  # the rule orders the form offers (the API takes any)
    "fairness,seniority,skills": ["fairness", "seniority", "skills"],
    "seniority,fairness,skills": ["seniority", "fairness", "skills"],
    "skills,fairness,seniority": ["skills", "fairness", "seniority"],
}


def _bids_here(actor: Actor) -> bool:
    return allowed(actor, Action.SHIFT_BID, own(actor))


def _choices_by_block(request: Request, session: Session, row: ShiftRoundRow, actor: Actor) -> dict[str, Any]:
    """What an agent's part of a round shows: shifts per block, their ranked choices, their outcomes."""
    shifts = reading.shifts_of(session, row)
    mine = reading.own_bid(session, row, actor.user_id)
    blocks = {
        b: [s for s in shifts if s.block == b] for b in reading.blocks_worked(session, row, actor.user_id)
    }
    ranked = {
        b: [c for c in mine if any(s.code == c for s in shifts_of_block)]
        for b, shifts_of_block in blocks.items()
    }
    gettext = gettext_for(request, actor)
    outcomes = [
        o for o in reading.outcomes_of(session, row, actor, gettext) if o.agent.user_id == actor.user_id
    ]
    return {
        "round": row,
        "blocks": blocks,
        "ranked": ranked,
        "outcomes": outcomes,
        "most": row.rules["max_choices"],
    }


def _my_shifts(request: Request, session: Session, actor: Actor, error: str | None = None) -> Response:
    rounds = [_choices_by_block(request, session, r, actor) for r in reading.visible_rounds(session, actor)]
    context = {"rounds": rounds, "error": error, "at": clock(request)}
    return render(request, "my_shifts.html", context, 422 if error else 200)


def _rounds_page(request: Request, session: Session, actor: Actor, error: str | None = None) -> Response:
    teams = sorted(actor.led_teams) if actor.role is UserRole.SUPERVISOR else known_teams(session)
    context = {
        "rounds": reading.visible_rounds(session, actor),
        "manages": allowed(actor, Action.SHIFT_MANAGE),
        "centre": allowed(actor, Action.SHIFT_MANAGE, Owner(agent=None, team=None)),
        "teams": teams,
        "orders": ORDERS,
        "rules": RULES,
        "error": error,
        "at": clock(request),
    }
    return render(request, "shift_rounds.html", context, 422 if error else 200)


@pages.get("/shifts", name="shifts_page")
def shifts_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """An agent's "My shifts"; for others, the rounds they see (and the form to create one)."""
    if _bids_here(actor):
        return _my_shifts(request, session, actor)
    return _rounds_page(request, session, actor)


def _local(request: Request, value: str, field: str) -> datetime:
    """A form's local date and time (the centre's zone) as an aware instant."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(422, f"{field}: '{value[:40]}' is not a date and time") from None
    return moment.replace(tzinfo=request.app.state.settings.zone()) if moment.tzinfo is None else moment


@pages.post("/shifts", name="shift_round_create")
def create_round(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    name: Annotated[str, Form(max_length=255)],
    blocks: Annotated[str, Form(max_length=4000)],
    opens_at: Annotated[str, Form(max_length=40)],
    closes_at: Annotated[str, Form(max_length=40)],
    team: Annotated[str, Form(max_length=255)] = "",
    order: Annotated[str, Form(max_length=64)] = "fairness,seniority,skills",
    max_choices: Annotated[int, Form(ge=1, le=20)] = 3,
) -> Response:
    body = validated(
        RoundIn,
        name=name,
        team=team or None,
        blocks=[b for b in blocks.replace(",", " ").split() if b],
        opens_at=_local(request, opens_at, "opens_at"),
        closes_at=_local(request, closes_at, "closes_at"),
        order=ORDERS.get(order, list(RULES)),
        max_choices=max_choices,
    )
    if not allowed(actor, Action.SHIFT_MANAGE, Owner(agent=None, team=body.team)):
        raise HTTPException(403, "not allowed")
    try:
        row = service.create_round(session, body, by=actor.user_id)
    except CallqaError as exc:
        return _rounds_page(request, session, actor, str(exc))
    audit(request, session, actor, "create", "shift_round", row.id, body.model_dump(mode="json"))
    return RedirectResponse(f"/shifts/{row.id}", status_code=303)


def round_view(
    request: Request,
    session: Session,
    actor: Actor,
    row: ShiftRoundRow,
    *,
    report: ImportReport | None = None,
    error: str | None = None,
    forms: dict[str, Any] | None = None,
    status: int | None = None,
) -> Response:
    """A round's page; ``forms``: the shift and demand forms' values and errors (default: empty forms)."""
    outcomes = reading.outcomes_of(session, row, actor, gettext_for(request, actor))
    shifts = reading.shifts_of(session, row)
    context = {
        "round": row,
        "manages": allowed(actor, Action.SHIFT_MANAGE, service.owner_of(row)),
        "shifts": shifts,
        "uneven": {s.code for s in shifts if uneven(s)},
        "demands": reading.demands_of(session, row),
        "bids": reading.bids_of(session, row, actor),
        "agents": reading.agents_of(session, row, actor),
        "outcomes": outcomes,
        "granted": sorted((int(k), v) for k, v in (row.granted or {}).items()),
        "report": report,
        "error": error,
        "at": clock(request),
        "shift_states": entry.SHIFT_STATES,
        "demand_states": entry.DEMAND_STATES,
        **(forms or forms_context()),
    }
    return render(request, "shift_round.html", context, status or (422 if error else 200))


@pages.get("/shifts/{round_id}", name="shift_round_page")
def round_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    shift: Annotated[str | None, Query(max_length=200)] = None,
    demand: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> Response:
    """A round's page; ``?shift=ID`` or ``?demand=ID`` fills its form to edit that one."""
    row = visible_round(session, actor, round_id)
    if _bids_here(actor):
        return RedirectResponse(f"/shifts#round-{row.id}", status_code=303)
    with refusals(missing=(ErrorCode.O120, ErrorCode.O122)):
        editing = forms_context(
            shift_form(entry.find_shift(session, row, shift)) if shift is not None else None,
            demand_form(entry.find_demand(session, row, demand)) if demand is not None else None,
        )
    return round_view(request, session, actor, row, forms=editing)


@pages.post("/shifts/{round_id}/upload", name="shift_round_upload")
def upload(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    kind: Annotated[Literal["shifts", "demands", "agents"], Form()],
    file: UploadFile,
) -> Response:
    row = managed_round(session, actor, round_id)
    data, name = read_upload(file)
    try:
        report = IMPORTS[kind](session, row, data, name)
    except CallqaError as exc:
        return round_view(request, session, actor, row, error=str(exc))
    audit(request, session, actor, "import", "shift_round", row.id, {"kind": kind} | report.as_json())
    return round_view(request, session, actor, row, report=report)


@pages.post("/shifts/{round_id}/bid", name="shift_bid")
def bid(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    choice: Annotated[list[str], Form(max_length=1000)] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    """An agent's ranked choices, block after block (empty select boxes skipped)."""
    row = visible_round(session, actor, round_id)
    if not _bids_here(actor):
        raise HTTPException(403, "not allowed")
    try:
        service.submit_bid(session, row, actor.user_id, choice)
    except CallqaError as exc:
        return _my_shifts(request, session, actor, str(exc))
    audit(request, session, actor, "bid", "shift_round", row.id, {"choices": [c for c in choice if c]})
    return RedirectResponse(f"/shifts#round-{row.id}", status_code=303)


# after /bid and /upload: its path would take them
@pages.post("/shifts/{round_id}/{step}", name="shift_round_step")
def step(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    step: Literal["open", "close", "allocate", "publish"],
    allocate: Allocator,
) -> Response:
    """Open, close, allocate or publish; a refusal is shown on the round's page."""
    row = managed_round(session, actor, round_id)
    try:
        if step == "open":
            service.open_round(session, row)
        elif step == "close":
            service.close_round(session, row)
        elif step == "allocate":
            service.allocate_round(session, row, allocate=allocate)
        else:
            service.publish_round(session, row)
    except CallqaError as exc:
        return round_view(request, session, actor, row, error=str(exc))
    audit(
        request,
        session,
        actor,
        step,
        "shift_round",
        row.id,
        {"error": row.error} if step == "allocate" else None,
    )
    return RedirectResponse(f"/shifts/{row.id}", status_code=303)
