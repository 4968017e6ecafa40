"""Shift bidding rounds over the API (``/api/shift-rounds``): create, fill from CSV, open, close, allocate,
publish; an agent's bid and outcome. Each handler loads the round (or 404), authorises, calls the service."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, sees_shift_round
from callqa.core.errors import ErrorCode
from callqa.shifts import reading, service
from callqa.shifts.entry import add_demand, add_shift
from callqa.shifts.models import ShiftRoundRow
from callqa.shifts.schemas import BidIn, DemandEntryIn, RoundIn, ShiftEntryIn
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require, validated
from callqa.web.routes.goals import gettext_for
from callqa.web.uploads import read_upload

api = APIRouter(prefix="/api/shift-rounds", tags=["shift bidding"])
MISSING = (ErrorCode.O110,)
CONFLICTS = (ErrorCode.O112, ErrorCode.O117)
ENTRY_CONFLICTS = (ErrorCode.O112, ErrorCode.O119)  # not in the state to change it; the id is taken
ENTRY_MISSING = (ErrorCode.O120, ErrorCode.O122)
IMPORTS = {
    "shifts": service.import_shifts,
    "demands": service.import_demands,
    "agents": service.import_agents,
}


def allocator() -> service.Allocate:
    """The allocation the app runs (tests put a stand-in here through ``dependency_overrides``)."""
    return service.solver_allocate


Allocator = Annotated[service.Allocate, Depends(allocator)]


def visible_round(session: Session, actor: Actor, round_id: int) -> ShiftRoundRow:
    """The round, or 404 (also when the actor may not see it, or it is an agent's view of a draft)."""
    with refusals(missing=MISSING):
        row = service.get_round(session, round_id)
    require(actor, Action.SHIFT_VIEW, service.owner_of(row), hide=True)
    if not sees_shift_round(actor, row.status):
        raise HTTPException(404, "not found")
    return row


def managed_round(session: Session, actor: Actor, round_id: int) -> ShiftRoundRow:
    """The round, if the actor runs it (403 when they only see it)."""
    row = visible_round(session, actor, round_id)
    require(actor, Action.SHIFT_MANAGE, service.owner_of(row))
    return row


def own(actor: Actor) -> Owner:
    """The actor's own work (their bid, their outcome)."""
    return Owner(agent=actor.agent_name, team=actor.team)


async def json_body(request: Request) -> Any:
    """The request's body when it is sent as JSON (one shift or demand), else None (a CSV upload)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return None
    try:
        return await request.json()
    except ValueError:
        raise HTTPException(422, "the body is not JSON") from None


def add_entry(
    request: Request, session: Session, actor: Actor, row: ShiftRoundRow, kind: str, body: Any
) -> dict[str, Any]:
    """Add the shift or demand sent as JSON; audited as ``add_shift`` or ``add_demand``."""
    if not isinstance(body, dict) or kind == "agents":
        raise HTTPException(422, "a JSON body is one shift or one demand (agents' settings come as CSV)")
    with refusals(ENTRY_CONFLICTS, missing=ENTRY_MISSING):
        if kind == "shifts":
            shift = validated(ShiftEntryIn, **body)
            added = reading.shift_json(add_shift(session, row, shift))
            audit(request, session, actor, "add_shift", "shift_round", row.id, shift.model_dump(mode="json"))
            return added
        demand = validated(DemandEntryIn, **body)
        stored = reading.demand_json(add_demand(session, row, demand))
        audit(request, session, actor, "add_demand", "shift_round", row.id, stored)
        return stored


def detail(request: Request, session: Session, actor: Actor, row: ShiftRoundRow) -> dict[str, Any]:
    """A round with all the caller sees of it; outcome reasons in the caller's language."""
    gettext = gettext_for(request, actor)
    return reading.round_json(row) | {
        "shifts": [reading.shift_json(s) for s in reading.shifts_of(session, row)],
        "demands": [reading.demand_json(d) for d in reading.demands_of(session, row)],
        "agents": [a.as_json() for a in reading.agents_of(session, row, actor)],
        "bids": [b.as_json() for b in reading.bids_of(session, row, actor)],
        "outcomes": [o.as_json() for o in reading.outcomes_of(session, row, actor, gettext)],
    }


@api.get("")
def list_rounds(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """The rounds the caller sees, newest first (an agent: those of their team or the centre, once open)."""
    require(actor, Action.SHIFT_VIEW)
    return {"rounds": [reading.round_json(r) for r in reading.visible_rounds(session, actor)]}


@api.post("", status_code=201)
def create_round(request: Request, session: DbSession, actor: CurrentActor, body: RoundIn) -> dict[str, Any]:
    """Create a round in draft: `name`, `team` (none: the whole centre, admins only), `blocks`, the window
    (`opens_at`, `closes_at`), and its rules (`order`, `max_choices`, `time_limit_s`). Supervisors create
    rounds for the teams they lead."""
    require(actor, Action.SHIFT_MANAGE, Owner(agent=None, team=(body.team or "").strip() or None))
    with refusals():
        row = service.create_round(session, body, by=actor.user_id)
    audit(request, session, actor, "create", "shift_round", row.id, body.model_dump(mode="json"))
    return reading.round_json(row)


@api.get("/{round_id}")
def get_round(request: Request, session: DbSession, actor: CurrentActor, round_id: RowId) -> dict[str, Any]:
    """A round with its shifts and demands, the bids and outcomes the caller sees (an agent: their own, the
    outcome once published), and the allocation's figures (shares of 1st/2nd/3rd choices, coverage)."""
    row = visible_round(session, actor, round_id)
    return detail(request, session, actor, row)


@api.post("/{round_id}/open")
def open_round(request: Request, session: DbSession, actor: CurrentActor, round_id: RowId) -> dict[str, Any]:
    """Open the bidding window (a draft with shifts)."""
    row = managed_round(session, actor, round_id)
    with refusals(CONFLICTS):
        service.open_round(session, row)
    audit(request, session, actor, "open", "shift_round", row.id, None)
    return reading.round_json(row)


@api.post("/{round_id}/close")
def close_round(request: Request, session: DbSession, actor: CurrentActor, round_id: RowId) -> dict[str, Any]:
    """Close the bidding window: bids can no longer be placed or changed."""
    row = managed_round(session, actor, round_id)
    with refusals(CONFLICTS):
        service.close_round(session, row)
    audit(request, session, actor, "close", "shift_round", row.id, None)
    return reading.round_json(row)


@api.post("/{round_id}/allocate", response_model=None)
def allocate_round(
    request: Request, session: DbSession, actor: CurrentActor, round_id: RowId, allocate: Allocator
) -> dict[str, Any] | Response:
    """Run the allocation of a closed round. When coverage cannot be met the answer is 422 with the reason
    (also stored on the round and shown on its page); nothing is allocated then."""
    row = managed_round(session, actor, round_id)
    with refusals(CONFLICTS):
        service.allocate_round(session, row, allocate=allocate)
    audit(request, session, actor, "allocate", "shift_round", row.id, {"error": row.error})
    if row.error:  # kept (the transaction commits): the round's page shows it
        return JSONResponse({"detail": row.error, "round": reading.round_json(row)}, status_code=422)
    return detail(request, session, actor, row)


@api.post("/{round_id}/publish")
def publish_round(
    request: Request, session: DbSession, actor: CurrentActor, round_id: RowId
) -> dict[str, Any]:
    """Publish the allocation: every agent then sees their shifts and the reason for each."""
    row = managed_round(session, actor, round_id)
    with refusals(CONFLICTS):
        service.publish_round(session, row)
    audit(request, session, actor, "publish", "shift_round", row.id, None)
    return reading.round_json(row)


@api.get("/{round_id}/bid")
def get_bid(session: DbSession, actor: CurrentActor, round_id: RowId) -> dict[str, Any]:
    """The caller's own bid (an agent of the round)."""
    row = visible_round(session, actor, round_id)
    require(actor, Action.SHIFT_BID, own(actor))
    return {"choices": reading.own_bid(session, row, actor.user_id)}


@api.put("/{round_id}/bid")
def put_bid(
    request: Request, session: DbSession, actor: CurrentActor, round_id: RowId, body: BidIn
) -> dict[str, Any]:
    """Place or replace the caller's bid while the round is open: shift ids, most wanted first (the rank
    counts within each block), at most the round's `max_choices` per block."""
    row = visible_round(session, actor, round_id)
    require(actor, Action.SHIFT_BID, own(actor))
    with refusals(CONFLICTS):
        bid = service.submit_bid(session, row, actor.user_id, body.choices)
    audit(request, session, actor, "bid", "shift_round", row.id, {"choices": bid.choices})
    return {"choices": bid.choices, "submitted_at": bid.submitted_at.isoformat()}


@api.get("/{round_id}/outcome")
def get_outcome(request: Request, session: DbSession, actor: CurrentActor, round_id: RowId) -> dict[str, Any]:
    """The caller's own outcomes, once the round is published: per block the shift, which choice it was,
    and why (`reason` in the caller's language, `reason_code` and `missed_code` stable)."""
    row = visible_round(session, actor, round_id)
    require(actor, Action.SHIFT_BID, own(actor))
    gettext = gettext_for(request, actor)
    outcomes = reading.outcomes_of(session, row, actor, gettext)
    mine = [o for o in outcomes if o.agent.user_id == actor.user_id]
    return {"status": row.status, "outcomes": [o.as_json() for o in mine]}


# last: its path would otherwise take /open, /close …
@api.post("/{round_id}/{kind}", response_model=None)
def import_csv(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    kind: Literal["shifts", "demands", "agents"],
    entry_body: Annotated[Any, Depends(json_body)],
    file: Annotated[
        UploadFile | None, File(description="the CSV file (columns in docs/operations-bidding.md)")
    ] = None,
) -> dict[str, Any] | Response:
    """Replace the round's `shifts`, `demands` or `agents` (skills, blocks worked) with the good rows of a
    CSV file; each bad row is reported (O113 naming the file, row and cause) and skipped. Sent as JSON
    instead (`shifts`, `demands`): add one shift or demand (201), checked as a CSV row is (O118, O121),
    nothing stored when refused."""
    row = managed_round(session, actor, round_id)
    if entry_body is not None:
        return JSONResponse(add_entry(request, session, actor, row, kind, entry_body), status_code=201)
    if file is None:
        raise HTTPException(422, "file: a CSV file is required (or a JSON body for one shift or demand)")
    data, name = read_upload(file)
    with refusals(CONFLICTS):
        report = IMPORTS[kind](session, row, data, name)
    audit(request, session, actor, "import", "shift_round", row.id, {"kind": kind} | report.as_json())
    return report.as_json()
