"""Training assignments: the follow-up page (an agent's own "my assignments"), the assign form, cancelling;
and the REST API. Who may assign to whom: ``Action.TRAINING_ASSIGN`` on every assignee."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed, sees
from callqa.coaching.models import CoachingRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.training import assignments as service
from callqa.training.follow_up import REAL_WORK_DAYS, Filters, followed
from callqa.training.models import AssignmentRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.deps import BodyId, CurrentActor, DbSession, RowId, refusals, require, validated
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["training"])

MISSING = (ErrorCode.T101, ErrorCode.T144, ErrorCode.T146)
CONFLICTS = (ErrorCode.T145,)
FAILED_DAYS = 30  # "everyone who failed criterion X": the period's default length, ending today
Text = Annotated[str, Field(max_length=255, pattern=r"^[^\x00-\x1f\x7f]*$")]


class AssignmentIn(BaseModel):
    """Whom to assign (exactly one of ``agent``, ``team``, ``failed_criterion``), what, by when."""

    model_config = ConfigDict(extra="forbid")

    scenario_id: BodyId | None = Field(
        default=None, description="required, except with failed_criterion: the newest scenario training it"
    )
    level: int = Field(default=1, ge=1, le=3)
    agent: Text | None = Field(default=None, description="an agent's username or agent name")
    team: Text | None = Field(default=None, description="a team: one assignment per agent, one batch")
    failed_criterion: Text | None = Field(
        default=None, description="everyone who failed this criterion from `since` to `until`"
    )
    since: date | None = None
    until: date | None = None
    due_on: date | None = None
    note: str = Field(default="", max_length=service.NOTE_LIMIT)
    coaching_id: BodyId | None = Field(default=None, description="made from this coaching session")
    interaction_id: BodyId | None = Field(default=None, description="made from this interaction's failure")
    criterion: Text | None = Field(default=None, description="the failed criterion it trains")


def today(request: Request) -> date:
    return datetime.now(request.app.state.settings.zone()).date()


def _assignees(session: Session, actor: Actor, body: AssignmentIn, day: date) -> list[service.Assignee]:
    """The agents the body names, each one the actor may assign to: 403 for an agent or team outside their
    teams; "everyone who failed a criterion" keeps those they may assign to."""
    if body.team:
        require(actor, Action.TRAINING_ASSIGN, Owner(agent=None, team=body.team.strip()))
    since, until = body.since or day - timedelta(days=FAILED_DAYS), body.until or day
    found = service.named_assignees(
        session,
        agent=body.agent,
        team=body.team,
        failed_criterion=body.failed_criterion,
        since=since,
        until=until,
    )
    if body.failed_criterion:
        found = [a for a in found if allowed(actor, Action.TRAINING_ASSIGN, a.owner)]
        if not found:
            reason = f"nobody you may assign to failed '{body.failed_criterion}' from {since} to {until}"
            raise CallqaError(ErrorCode.T142, reason=reason)
    for a in found:
        require(actor, Action.TRAINING_ASSIGN, a.owner)
    return found


def create(request: Request, session: Session, actor: Actor, body: AssignmentIn) -> list[AssignmentRow]:
    """Resolve, authorize and store an assignment (a 4xx with the coded refusal otherwise)."""
    require(actor, Action.TRAINING_ASSIGN)
    day = today(request)
    with refusals(CONFLICTS, missing=MISSING):
        people = _assignees(session, actor, body, day)
        criterion = body.failed_criterion or body.criterion
        scenario_id = service.scenario_for(session, body.scenario_id, criterion)
        if body.coaching_id is not None:
            coaching = session.get(CoachingRow, body.coaching_id)
            if coaching is None or not sees(actor, Owner(coaching.agent_name, people[0].team)):
                raise CallqaError(ErrorCode.T146, coaching=body.coaching_id)
        origin = "coaching" if body.coaching_id else "criterion" if criterion else "manual"
        return service.assign(
            session,
            actor,
            people,
            scenario_id=scenario_id,
            level=body.level,
            due_on=body.due_on,
            note=body.note,
            origin=origin,
            team_id=service.team_id_of(session, body.team) if body.team else None,
            coaching_id=body.coaching_id,
            interaction_id=body.interaction_id,
            criterion=criterion,
            today=day,
        )


def assignment_of(session: Session, actor: Actor, assignment_id: int) -> AssignmentRow:
    """The assignment the actor may change: 404 unless they see it, 403 unless they may assign."""
    with refusals(missing=MISSING):
        row = service.get_assignment(session, assignment_id)
    agent = service.agent_by_id(session, row.agent_id)
    owner = agent.owner if agent else Owner(agent=row.agent_name, team=None)
    if not sees(actor, owner):
        raise HTTPException(404, "not found")
    require(actor, Action.TRAINING_ASSIGN, owner)
    return row


def cancel(session: Session, actor: Actor, assignment_id: int) -> AssignmentRow:
    row = assignment_of(session, actor, assignment_id)
    with refusals(CONFLICTS):
        service.cancel(session, actor, row)
    return row


State = Annotated[str | None, Query(max_length=16, pattern="^(|open|done|cancelled)$")]
Name = Annotated[str | None, Query(max_length=255)]
Days = Annotated[int, Query(ge=1, le=365, description="the real-work window before and after, in days")]


# ---- API


@api.get("/training/assignments")
def list_assignments(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    team: Name = None,
    agent: Name = None,
    state: State = None,
    overdue: bool = False,
    days: Days = REAL_WORK_DAYS,
) -> dict[str, Any]:
    """The assignments the caller sees (an agent: their own), newest first, each with its practice
    progress (first, latest, best score; harder branches) and, when it trains a criterion, that
    criterion's pass rate in the agent's real evaluations in the `days` before it was made and after."""
    filters = Filters(team=team or None, agent=agent or None, state=state or None, overdue=overdue)
    items = followed(session, actor, filters, today=today(request), days=days)
    return {"assignments": [f.as_json() for f in items]}


@api.post("/training/assignments", status_code=201)
def create_assignment(
    request: Request, session: DbSession, actor: CurrentActor, body: AssignmentIn
) -> dict[str, Any]:
    """Assign a scenario level to an agent, a team (one row per agent, a shared batch) or everyone who
    failed a criterion in a period; each agent is notified. Supervisors assign to their teams' agents."""
    rows = create(request, session, actor, body)
    return {"assignments": [{"id": r.id, "agent": r.agent_name, "batch": r.batch} for r in rows]}


@api.post("/training/assignments/{assignment_id}/cancel")
def cancel_assignment(
    request: Request, session: DbSession, actor: CurrentActor, assignment_id: RowId
) -> dict[str, Any]:
    """Cancel an open assignment (409 once done or cancelled)."""
    row = cancel(session, actor, assignment_id)
    return {"id": row.id, "state": row.state}


# ---- pages


def _form_context(session: Session, actor: Actor, request: Request) -> dict[str, Any]:
    if not allowed(actor, Action.TRAINING_ASSIGN):
        return {"can_assign": False}
    agents = [a for a in service.all_agents(session) if allowed(actor, Action.TRAINING_ASSIGN, a.owner)]
    teams = sorted({a.team for a in agents if a.team})
    q = request.query_params
    prefill = {k: q.get(k, "")[:255] for k in ("scenario", "agent", "coaching", "interaction", "criterion")}
    return {
        "can_assign": True,
        "agents": agents,
        "teams": teams,
        "scenarios": service.active_scenarios(session),
        "prefill": prefill,
    }


@pages.get("/training/assignments", name="training_assignments_page")
def assignments_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    team: Name = None,
    agent: Name = None,
    state: State = None,
    overdue: bool = False,
) -> Response:
    filters = Filters(team=team or None, agent=agent or None, state=state or None, overdue=overdue)
    day = today(request)
    context = {
        "items": followed(session, actor, filters, today=day),
        "filters": filters,
        "mine": actor.role is UserRole.AGENT,
        "today": day,
        "created": request.query_params.get("created", "")[:6],
        **_form_context(session, actor, request),
    }
    return render(request, "training/assignments.html", context)


def _blank(value: str) -> str | None:
    return value.strip() or None


@pages.post("/training/assignments", name="training_assign")
def assign_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    scenario_id: Annotated[str, Form(max_length=20)] = "",
    level: Annotated[str, Form(max_length=2)] = "1",
    whom: Annotated[str, Form(max_length=16)] = "agent",
    agent: Annotated[str, Form(max_length=255)] = "",
    team: Annotated[str, Form(max_length=255)] = "",
    failed_criterion: Annotated[str, Form(max_length=255)] = "",
    since: Annotated[str, Form(max_length=10)] = "",
    until: Annotated[str, Form(max_length=10)] = "",
    due_on: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=service.NOTE_LIMIT)] = "",
    coaching_id: Annotated[str, Form(max_length=20)] = "",
    interaction_id: Annotated[str, Form(max_length=20)] = "",
    criterion: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    body = validated(
        AssignmentIn,
        scenario_id=_blank(scenario_id),
        level=level or "1",
        agent=_blank(agent) if whom == "agent" else None,
        team=_blank(team) if whom == "team" else None,
        failed_criterion=_blank(failed_criterion) if whom == "failed" else None,
        since=_blank(since),
        until=_blank(until),
        due_on=_blank(due_on),
        note=note,
        coaching_id=_blank(coaching_id),
        interaction_id=_blank(interaction_id),
        criterion=_blank(criterion),
    )
    rows = create(request, session, actor, body)
    if body.coaching_id is not None:
        agent_page = f"/agents/{quote(rows[0].agent_name, safe='')}#coaching-{body.coaching_id}"
        return RedirectResponse(agent_page, status_code=303)
    return RedirectResponse(f"/training/assignments?created={len(rows)}", status_code=303)


@pages.post("/training/assignments/{assignment_id}/cancel", name="training_assignment_cancel")
def cancel_form(request: Request, session: DbSession, actor: CurrentActor, assignment_id: RowId) -> Response:
    cancel(session, actor, assignment_id)
    return RedirectResponse("/training/assignments", status_code=303)
