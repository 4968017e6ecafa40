"""Coaching picked from the transcript (a turn's "Coach this") and action items added, removed and
followed up one by one, as pages and REST API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.coaching import service
from callqa.coaching.agents import agent_named
from callqa.coaching.models import CoachingRow
from callqa.core.errors import ErrorCode
from callqa.users.schemas import Actor
from callqa.web.deps import MAX_ID, MAX_INT32, CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.render import render
from callqa.web.routes.coaching import back, coaching_of, may, parse_date
from callqa.web.routes.pages import owner_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["coaching"])

_MISSING = (ErrorCode.V144,)


@pages.get("/coaching/new", name="coaching_new")
def new_from_turn(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    interaction: Annotated[int, Query(ge=1, le=MAX_ID)],
    turn: Annotated[int, Query(ge=0, le=MAX_INT32)],
) -> Response:
    """The coaching form for one turn a coach clicked in the transcript, with the turn's time and text."""
    require(actor, Action.INTERACTION_VIEW, owner_of(session, interaction), hide=True)
    with refusals(missing=(ErrorCode.V143,)):
        moment = service.moment(session, interaction, turn)
    agent = agent_named(session, moment.agent)
    require(actor, Action.COACHING_MANAGE, owner_of(session, interaction))
    return render(request, "coaching_new.html", {"moment": moment, "agent": agent})


def _manage(session: Session, actor: Actor, coaching_id: int) -> CoachingRow:
    row, agent = coaching_of(session, actor, coaching_id)
    if not may(session, actor, Action.COACHING_MANAGE, agent):
        raise HTTPException(403, "not allowed")
    return row


def _add(
    request: Request, session: Session, actor: Actor, coaching_id: int, item: service.ActionIn
) -> CoachingRow:
    row = _manage(session, actor, coaching_id)
    with refusals():
        added = service.add_action(session, row, item)
    audit(request, session, actor, "add_action", "coaching", row.id, {"action": added.id})
    return row


def _remove(
    request: Request, session: Session, actor: Actor, coaching_id: int, action_id: int
) -> CoachingRow:
    row = _manage(session, actor, coaching_id)
    with refusals(missing=_MISSING, status=409):
        service.remove_action(session, row, action_id)
    audit(request, session, actor, "remove_action", "coaching", row.id, {"action": action_id})
    return row


def _status(
    request: Request, session: Session, actor: Actor, coaching_id: int, action_id: int, status: str
) -> CoachingRow:
    """The coach sets any status; the agent may tick their own items done (or open again)."""
    row, agent = coaching_of(session, actor, coaching_id)
    coach = may(session, actor, Action.COACHING_MANAGE, agent)
    responds = allowed(actor, Action.COACHING_RESPOND, agent.owner) and status in ("open", "done")
    if not (coach or responds):
        raise HTTPException(403, "not allowed")
    with refusals(missing=_MISSING):
        service.set_action_status(session, row, action_id, status)
    audit(
        request, session, actor, "action_status", "coaching", row.id, {"action": action_id, "status": status}
    )
    return row


# ---- API


class ActionItemIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    due_on: date | None = None


class ActionStatusIn(BaseModel):
    status: str = Field(description="open, done or not_done")


def _items(session: Session, row: CoachingRow) -> list[dict[str, Any]]:
    found = next(c for c in service.coaching_for(session, row.agent_name) if c.id == row.id)
    return [{**a.__dict__, "due_on": a.due_on.isoformat() if a.due_on else None} for a in found.actions]


@api.post("/coaching/{coaching_id}/actions", status_code=201)
def add_action(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId, body: ActionItemIn
) -> dict[str, Any]:
    """One more action item; answers every item of the coaching."""
    row = _add(request, session, actor, coaching_id, service.ActionIn(body.text, body.due_on))
    return {"actions": _items(session, row)}


@api.delete("/coaching/{coaching_id}/actions/{action_id}")
def remove_action(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId, action_id: RowId
) -> dict[str, Any]:
    """Drop an action item; answers the items left."""
    row = _remove(request, session, actor, coaching_id, action_id)
    return {"actions": _items(session, row)}


@api.put("/coaching/{coaching_id}/actions/{action_id}")
def set_action_status(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    action_id: RowId,
    body: ActionStatusIn,
) -> dict[str, Any]:
    """An item's follow-up status (open, done, not_done)."""
    row = _status(request, session, actor, coaching_id, action_id, body.status)
    return {"actions": _items(session, row)}


# ---- pages


@pages.post("/coaching/{coaching_id}/actions", name="coaching_action_add")
def add_action_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    text: Annotated[str, Form(max_length=2000)],
    due_on: Annotated[str, Form()] = "",
) -> Response:
    row = _add(request, session, actor, coaching_id, service.ActionIn(text, parse_date(due_on)))
    return back(session, row)


@pages.post("/coaching/{coaching_id}/actions/{action_id}/remove", name="coaching_action_remove")
def remove_action_page(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId, action_id: RowId
) -> Response:
    return back(session, _remove(request, session, actor, coaching_id, action_id))


@pages.post("/coaching/{coaching_id}/actions/{action_id}/status", name="coaching_action_status")
def status_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    action_id: RowId,
    status: Annotated[str, Form()],
) -> Response:
    return back(session, _status(request, session, actor, coaching_id, action_id, status))
