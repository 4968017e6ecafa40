"""Agents' quality files (timeline, ability profile, coaching) and coaching steps, as pages and REST API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed, interaction_scope
from callqa.coaching import service
from callqa.coaching.abilities import ability_profile, radar_points
from callqa.coaching.agents import (
    AgentRef,
    accounts_without_work,
    agent_named,
    agents_in_scope,
    find_agent,
    owners,
)
from callqa.coaching.models import CoachingRow
from callqa.coaching.quality_file import score_summary, timeline
from callqa.core.errors import ErrorCode
from callqa.training.practice_queries import practice_file, practice_file_json
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


def may(session: Session, actor: Actor, action: Action, agent: AgentRef) -> bool:
    """May the actor do ``action`` to this agent's file (any team the agent's work is in counts)?"""
    return any(allowed(actor, action, owner) for owner in owners(session, agent))


def _agent(session: Session, actor: Actor, key: str) -> AgentRef:
    """The agent (by username or agent name); 404 unless the actor may see their quality file."""
    agent = find_agent(session, key)
    if agent is None or not may(session, actor, Action.QUALITY_FILE_VIEW, agent):
        raise HTTPException(404, "not found")
    return agent


def coaching_of(session: Session, actor: Actor, coaching_id: int) -> tuple[CoachingRow, AgentRef]:
    """The coaching and its agent; 404 unless the actor may see the agent's quality file."""
    row = session.get(CoachingRow, coaching_id)
    if row is None:
        raise HTTPException(404, "not found")
    agent = agent_named(session, row.agent_name)
    if not may(session, actor, Action.QUALITY_FILE_VIEW, agent):
        raise HTTPException(404, "not found")
    return row, agent


CONFLICTS = (ErrorCode.G102,)


def quality_file(session: Session, agent: AgentRef) -> dict[str, Any]:
    coaching = service.coaching_for(session, agent.name)
    profile = ability_profile(session, agent.name)
    evaluations, mean = score_summary(session, agent.name)
    return {
        "agent": agent,
        "coaching": coaching,
        "timeline": timeline(session, agent.name, coaching),
        "profile": profile,
        "radar": radar_points(profile.overall),
        "evaluations": evaluations,
        "mean_score": mean,
        "practice": practice_file(session, agent.name),  # beside real quality, never in it
    }


def create(
    request: Request,
    session: Session,
    actor: Actor,
    agent: AgentRef,
    *,
    title: str,
    notes: str,
    interaction_id: int | None,
    turn: int | None,
    actions: list[service.ActionIn],
    follow_up_on: date | None,
) -> CoachingRow:
    if not may(session, actor, Action.COACHING_MANAGE, agent):
        raise HTTPException(403, "not allowed")
    with refusals(CONFLICTS):
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
    audit(request, session, actor, "create", "coaching", row.id, {"agent": agent.key})
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


def coaching_json(c: service.Coaching) -> dict[str, Any]:
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
    agent = _agent(session, actor, username)
    found = quality_file(session, agent)
    audit(request, session, actor, "view", "quality_file", agent.user_id, {"agent": agent.name})
    return {
        "agent": agent.key,
        "evaluations": found["evaluations"],
        "mean_score": found["mean_score"],
        "abilities": found["profile"].overall,
        "abilities_by_month": found["profile"].by_month,
        "timeline": [{**e.__dict__, "at": e.at.isoformat()} for e in found["timeline"]],
        "coaching": [coaching_json(c) for c in found["coaching"]],
        "practice": practice_file_json(found["practice"]),
    }


@api.post("/agents/{username}/coaching", status_code=201)
def create_coaching(
    request: Request, session: DbSession, actor: CurrentActor, username: str, body: CoachingIn
) -> dict[str, Any]:
    """Record a coaching talk (the agent's supervisor or an analyst)."""
    row = create(
        request,
        session,
        actor,
        _agent(session, actor, username),
        title=body.title,
        notes=body.notes,
        interaction_id=body.interaction_id,
        turn=body.turn,
        actions=[service.ActionIn(a.text, a.due_on) for a in body.actions],
        follow_up_on=body.follow_up_on,
    )
    return coaching_json(next(c for c in service.coaching_for(session, row.agent_name) if c.id == row.id))


@api.post("/coaching/{coaching_id}/acknowledge")
def acknowledge(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId
) -> dict[str, str]:
    """The agent confirms the coaching talk."""
    row, agent = coaching_of(session, actor, coaching_id)
    require(actor, Action.COACHING_RESPOND, agent.owner)
    with refusals(CONFLICTS):
        service.acknowledge(session, row)
    audit(request, session, actor, "acknowledge", "coaching", row.id)
    return {"state": row.state}


@api.post("/coaching/{coaching_id}/follow-up")
def follow_up(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId, body: FollowUpIn
) -> dict[str, str]:
    """The coach checks back and closes the coaching."""
    row, agent = coaching_of(session, actor, coaching_id)
    if not may(session, actor, Action.COACHING_MANAGE, agent):
        raise HTTPException(403, "not allowed")
    with refusals(CONFLICTS):
        service.follow_up(session, row, result=body.result, notes=body.notes)
    audit(request, session, actor, "follow_up", "coaching", row.id, {"result": body.result})
    return {"state": row.state}


# ---- pages


@pages.get("/agents", name="agents_page")
def agents_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """Every agent in the interactions the actor sees, with or without a user account."""
    if actor.role is UserRole.AGENT:
        return RedirectResponse(f"/agents/{actor.username}", status_code=303)
    stats = agents_in_scope(session, interaction_scope(actor))
    idle = accounts_without_work(session, {s.agent.name for s in stats})
    visible = stats + [s for s in idle if allowed(actor, Action.QUALITY_FILE_VIEW, s.agent.owner)]
    return render(request, "agents.html", {"agents": visible})


@pages.get("/agents/{username}", name="agent_page")
def agent_page(request: Request, session: DbSession, actor: CurrentActor, username: str) -> Response:
    agent = _agent(session, actor, username)
    audit(request, session, actor, "view", "quality_file", agent.user_id, {"agent": agent.name})
    context = {
        **quality_file(session, agent),
        "can_coach": may(session, actor, Action.COACHING_MANAGE, agent),
        "can_respond": allowed(actor, Action.COACHING_RESPOND, agent.owner),
        "today": date.today(),
        "action_states": service.ACTION_STATES,
    }
    return render(request, "agent.html", context)


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value.strip() else None
    except ValueError:
        raise HTTPException(422, f"'{value}' is not a date (YYYY-MM-DD)") from None


def form_actions(texts: list[str] | None, dues: list[str] | None) -> list[service.ActionIn]:
    """The action-item rows of a form (any number; blank rows are skipped)."""
    texts, dues = texts or [], dues or []
    return [
        service.ActionIn(t, parse_date(dues[i]) if i < len(dues) else None)
        for i, t in enumerate(texts)
        if t.strip()
    ]


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
    agent = _agent(session, actor, username)
    row = create(
        request,
        session,
        actor,
        agent,
        title=title,
        notes=notes,
        interaction_id=_int(interaction_id, "interaction_id", 1, MAX_ID),
        turn=_int(turn, "turn", 0, MAX_INT32),
        actions=form_actions(action_text, action_due),
        follow_up_on=parse_date(follow_up_on),
    )
    return RedirectResponse(f"/agents/{agent.key}#coaching-{row.id}", status_code=303)


def back(session: Session, row: CoachingRow) -> Response:
    """To the coaching on the agent's page."""
    key = agent_named(session, row.agent_name).key
    return RedirectResponse(f"/agents/{key}#coaching-{row.id}", status_code=303)


@pages.post("/coaching/{coaching_id}/acknowledge", name="coaching_acknowledge")
def coaching_acknowledge(
    request: Request, session: DbSession, actor: CurrentActor, coaching_id: RowId
) -> Response:
    acknowledge(request, session, actor, coaching_id)
    return back(session, coaching_of(session, actor, coaching_id)[0])


@pages.post("/coaching/{coaching_id}/actions/{action_id}", name="coaching_action")
def coaching_action(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    action_id: RowId,
    done: Annotated[str, Form()] = "",
) -> Response:
    row, agent = coaching_of(session, actor, coaching_id)
    if not (
        allowed(actor, Action.COACHING_RESPOND, agent.owner)
        or may(session, actor, Action.COACHING_MANAGE, agent)
    ):
        raise HTTPException(403, "not allowed")
    with refusals(missing=(ErrorCode.V144,)):
        service.set_action_done(session, row, action_id, done == "yes")
    return back(session, row)


@pages.post("/coaching/{coaching_id}/follow-up", name="coaching_follow_up")
def coaching_follow_up(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    coaching_id: RowId,
    result: Annotated[str, Form()],
    notes: Annotated[str, Form()] = "",
) -> Response:
    row, agent = coaching_of(session, actor, coaching_id)
    if not may(session, actor, Action.COACHING_MANAGE, agent):
        raise HTTPException(403, "not allowed")
    with refusals(CONFLICTS):
        service.follow_up(session, row, result=result, notes=notes)  # type: ignore[arg-type]
    audit(request, session, actor, "follow_up", "coaching", row.id, {"result": result})
    return back(session, row)
