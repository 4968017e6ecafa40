"""Agents' quality files (timeline, ability profile, coaching) and coaching steps, as pages and REST API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.coaching import service
from callqa.coaching.abilities import ability_profile, radar_points
from callqa.coaching.models import CoachingRow
from callqa.coaching.quality_file import score_summary, timeline
from callqa.core.errors import ErrorCode
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.deps import (
    MAX_ID,
    MAX_INT32,
    BodyId,
    CurrentActor,
    DbSession,
    Position,
    RowId,
    audit,
    refusals,
    require,
)
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["coaching"])


def _owner(session: Session, agent: UserRow) -> Owner:
    team = session.get(TeamRow, agent.team_id) if agent.team_id else None
    return Owner(agent=agent.agent_name, team=team.name if team else None)


def _agent(session: Session, actor: Actor, username: str) -> tuple[UserRow, Owner]:
    """The agent and whose work it is; 404 unless the actor may see their quality file."""
    agent = service.agent_user(session, username)
    if agent is None:
        raise HTTPException(404, "not found")
    owner = _owner(session, agent)
    require(actor, Action.QUALITY_FILE_VIEW, owner, hide=True)
    return agent, owner


def _coaching(session: Session, actor: Actor, coaching_id: int) -> tuple[CoachingRow, Owner]:
    row = session.get(CoachingRow, coaching_id)
    agent = session.get(UserRow, row.agent_id) if row else None
    if row is None or agent is None:
        raise HTTPException(404, "not found")
    owner = _owner(session, agent)
    require(actor, Action.QUALITY_FILE_VIEW, owner, hide=True)
    return row, owner


_CONFLICTS = (ErrorCode.G102,)


def quality_file(session: Session, agent: UserRow) -> dict[str, Any]:
    coaching = service.coaching_for(session, agent.id)
    profile = ability_profile(session, agent.agent_name or "")
    evaluations, mean = score_summary(session, agent.agent_name or "")
    return {
        "agent": agent,
        "coaching": coaching,
        "timeline": timeline(session, agent.agent_name or "", coaching),
        "profile": profile,
        "radar": radar_points(profile.overall),
        "evaluations": evaluations,
        "mean_score": mean,
    }


def _create(
    request: Request,
    session: Session,
    actor: Actor,
    username: str,
    *,
    title: str,
    notes: str,
    interaction_id: int | None,
    turn: int | None,
    actions: list[service.ActionIn],
    follow_up_on: date | None,
) -> CoachingRow:
    agent, owner = _agent(session, actor, username)
    require(actor, Action.COACHING_MANAGE, owner)
    with refusals(_CONFLICTS):
        row = service.create_coaching(
            session,
            agent=agent,
            coach_id=actor.user_id,
            title=title,
            notes=notes,
            interaction_id=interaction_id,
            turn=turn,
            actions=actions,
            follow_up_on=follow_up_on,
        )
    audit(request, session, actor, "create", "coaching", row.id, {"agent": username})
    return row


# ---- API


class ActionBody(BaseModel):
    text: str = Field(min_length=1)
    due_on: date | None = None


class CoachingIn(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    notes: str = Field(min_length=1)
    interaction_id: BodyId | None = Field(default=None, description="the interaction talked about")
    turn: Position | None = Field(default=None, description="the moment: a turn index of that interaction")
    actions: list[ActionBody] = Field(default_factory=list)
    follow_up_on: date | None = None


class FollowUpIn(BaseModel):
    result: service.FollowUp
    notes: str = ""


def _coaching_json(c: service.Coaching) -> dict[str, Any]:
    data = {k: v for k, v in c.__dict__.items() if k != "actions"}
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
    data["actions"] = [
        {**a.__dict__, "due_on": a.due_on.isoformat() if a.due_on else None} for a in c.actions
    ]
    return data


@api.get("/agents/{username}/quality-file")
def read_quality_file(
    request: Request, session: DbSession, actor: CurrentActor, username: str
) -> dict[str, Any]:
    """The agent's timeline, ability profile (overall and by month) and coaching."""
    agent, _ = _agent(session, actor, username)
    found = quality_file(session, agent)
    audit(request, session, actor, "view", "quality_file", agent.id)
    return {
        "agent": username,
        "evaluations": found["evaluations"],
        "mean_score": found["mean_score"],
        "abilities": found["profile"].overall,
        "abilities_by_month": found["profile"].by_month,
        "timeline": [{**e.__dict__, "at": e.at.isoformat()} for e in found["timeline"]],
        "coaching": [_coaching_json(c) for c in found["coaching"]],
    }


@api.post("/agents/{username}/coaching", status_code=201)
def create_coaching(
    request: Request, session: DbSession, actor: CurrentActor, username: str, body: CoachingIn
) -> dict[str, Any]:
    """Record a coaching talk (the agent's supervisor or an analyst)."""
    row = _create(
        request,
        session,
        actor,
        username,
        title=body.title,
        notes=body.notes,
        interaction_id=body.interaction_id,
        turn=body.turn,
        actions=[service.ActionIn(a.text, a.due_on) for a in body.actions],
        follow_up_on=body.follow_up_on,
    )
    return _coaching_json(next(c for c in service.coaching_for(session, row.agent_id) if c.id == row.id))


@api.post("/coaching/{coaching_id}/acknowledge")
def acknowledge(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId
) -> dict[str, str]:
    """The agent confirms the coaching talk."""
    row, owner = _coaching(session, actor, coaching_id)
    require(actor, Action.COACHING_RESPOND, owner)
    with refusals(_CONFLICTS):
        service.acknowledge(session, row)
    audit(request, session, actor, "acknowledge", "coaching", row.id)
    return {"state": row.state}


@api.post("/coaching/{coaching_id}/follow-up")
def follow_up(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId, body: FollowUpIn
) -> dict[str, str]:
    """The coach checks back and closes the coaching."""
    row, owner = _coaching(session, actor, coaching_id)
    require(actor, Action.COACHING_MANAGE, owner)
    with refusals(_CONFLICTS):
        service.follow_up(session, row, result=body.result, notes=body.notes)
    audit(request, session, actor, "follow_up", "coaching", row.id, {"result": body.result})
    return {"state": row.state}


# ---- pages


@pages.get("/agents", name="agents_page")
def agents_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    if actor.role is UserRole.AGENT:
        return RedirectResponse(f"/agents/{actor.username}", status_code=303)
    agents = session.scalars(
        select(UserRow).where(UserRow.role == UserRole.AGENT.value).order_by(UserRow.username)
    ).all()
    visible = [a for a in agents if allowed(actor, Action.QUALITY_FILE_VIEW, _owner(session, a))]
    return render(request, "agents.html", {"agents": visible})


@pages.get("/agents/{username}", name="agent_page")
def agent_page(request: Request, session: DbSession, actor: CurrentActor, username: str) -> Response:
    agent, owner = _agent(session, actor, username)
    audit(request, session, actor, "view", "quality_file", agent.id)
    context = {
        **quality_file(session, agent),
        "can_coach": allowed(actor, Action.COACHING_MANAGE, owner),
        "can_respond": allowed(actor, Action.COACHING_RESPOND, owner),
        "today": date.today(),
    }
    return render(request, "agent.html", context)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value.strip() else None
    except ValueError:
        raise HTTPException(422, f"'{value}' is not a date (YYYY-MM-DD)") from None


def _int(value: str, name: str, low: int, high: int) -> int | None:
    try:
        number = int(value) if value.strip() else None
    except ValueError:
        raise HTTPException(422, f"{name}: '{value}' is not a number") from None
    if number is not None and not low <= number <= high:
        raise HTTPException(422, f"{name}: {number} is not between {low} and {high}")
    return number


@pages.post("/agents/{username}/coaching", name="coaching_create")
def coaching_create(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    username: str,
    title: Annotated[str, Form()],
    notes: Annotated[str, Form()],
    interaction_id: Annotated[str, Form()] = "",
    turn: Annotated[str, Form()] = "",
    action_text: Annotated[list[str] | None, Form()] = None,
    action_due: Annotated[list[str] | None, Form()] = None,
    follow_up_on: Annotated[str, Form()] = "",
) -> Response:
    texts, dues = action_text or [], action_due or []
    actions = [
        service.ActionIn(t, _date(dues[i]) if i < len(dues) else None)
        for i, t in enumerate(texts)
        if t.strip()
    ]
    row = _create(
        request,
        session,
        actor,
        username,
        title=title,
        notes=notes,
        interaction_id=_int(interaction_id, "interaction_id", 1, MAX_ID),
        turn=_int(turn, "turn", 0, MAX_INT32),
        actions=actions,
        follow_up_on=_date(follow_up_on),
    )
    return RedirectResponse(f"/agents/{username}#coaching-{row.id}", status_code=303)


def _back(session: Session, row: CoachingRow) -> Response:
    agent = session.get(UserRow, row.agent_id)
    return RedirectResponse(f"/agents/{agent.username if agent else ''}#coaching-{row.id}", status_code=303)


@pages.post("/coaching/{coaching_id}/acknowledge", name="coaching_acknowledge")
def coaching_acknowledge(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId
) -> Response:
    acknowledge(request, session, actor, coaching_id)
    return _back(session, _coaching(session, actor, coaching_id)[0])


@pages.post("/coaching/{coaching_id}/actions/{action_id}", name="coaching_action")
def coaching_action(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    action_id: RowId,
    done: Annotated[str, Form()] = "",
) -> Response:
    row, owner = _coaching(session, actor, coaching_id)
    if not (allowed(actor, Action.COACHING_RESPOND, owner) or allowed(actor, Action.COACHING_MANAGE, owner)):
        raise HTTPException(403, "not allowed")
    with refusals(_CONFLICTS):
        service.set_action_done(session, row, action_id, done == "yes")
    return _back(session, row)


@pages.post("/coaching/{coaching_id}/follow-up", name="coaching_follow_up")
def coaching_follow_up(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    result: Annotated[str, Form()],
    notes: Annotated[str, Form()] = "",
) -> Response:
    row, owner = _coaching(session, actor, coaching_id)
    require(actor, Action.COACHING_MANAGE, owner)
    with refusals(_CONFLICTS):
        service.follow_up(session, row, result=result, notes=notes)  # type: ignore[arg-type]
    audit(request, session, actor, "follow_up", "coaching", row.id, {"result": result})
    return _back(session, row)
