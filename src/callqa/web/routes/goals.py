"""Goals (set, change, remove; the goals page), the leaderboard, and an agent's home page; pages and API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.i18n import pick_locale, translations
from callqa.goals import service
from callqa.goals.catalogue import GOAL_METRICS
from callqa.goals.leaderboard import Board, leaderboard
from callqa.goals.models import GoalRow
from callqa.goals.periods import PERIOD_KINDS, in_range
from callqa.goals.progress import progress
from callqa.goals.schemas import GoalIn
from callqa.users.schemas import Actor, UserRole
from callqa.views.home import agent_home
from callqa.views.teams import known_teams
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["goals"])
_MISSING = (ErrorCode.V154,)


def _today(request: Request) -> date:
    return datetime.now(request.app.state.settings.zone()).date()


def gettext_for(request: Request, actor: Actor) -> Callable[[str], str]:
    """The reader's catalogue, for sentences built outside templates."""
    return translations(pick_locale(actor.locale, request.headers.get("accept-language"))).gettext


def _goal(session: Session, actor: Actor, goal_id: int) -> GoalRow:
    """The goal, or 404 (also when it is outside what the actor sees)."""
    with refusals(missing=_MISSING):
        row = service.get_goal(session, goal_id)
    require(actor, Action.GOAL_VIEW, service.owner_of(session, row), hide=True)
    return row


def _listed(session: Session, actor: Actor, day: date) -> list[dict[str, Any]]:
    rows = service.visible_goals(session, actor)
    return [progress(session, g, day).as_json() for g in service.resolved(session, rows)]


# ---- API


@api.get("/goals")
def list_goals(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """The goals the caller sees, each with its current period's value and whether it is on track, and
    the metrics a goal can set (id, unit, range, whether higher is better)."""
    require(actor, Action.GOAL_VIEW)
    return {
        "goals": _listed(session, actor, _today(request)),
        "metrics": [
            {
                "id": m.id,
                "label": m.label,
                "unit": m.unit,
                "low": m.low,
                "high": m.high,
                "higher_is_better": m.higher_is_better,
                "needs_criterion": m.needs_criterion,
            }
            for m in GOAL_METRICS.values()
        ],
    }


@api.post("/goals", status_code=201)
def create_goal(request: Request, session: DbSession, actor: CurrentActor, body: GoalIn) -> dict[str, Any]:
    """Set a goal: `metric`, `target` (in the metric's unit; shares in percent), `scope` (centre, team or
    agent with `team` / `agent`), `period` (week, month, quarter) and `starts_on` (the first day of one).
    Admins set any goal, supervisors those of their teams and their agents."""
    require(actor, Action.GOAL_MANAGE)
    with refusals():
        row = service.create_goal(session, actor, body)
    audit(request, session, actor, "create", "goal", row.id, body.model_dump(mode="json"))
    return progress(session, service.resolved(session, [row])[0], _today(request)).as_json()


@api.get("/goals/{goal_id}")
def get_goal(request: Request, session: DbSession, actor: CurrentActor, goal_id: RowId) -> dict[str, Any]:
    """One goal with its current period's value."""
    row = _goal(session, actor, goal_id)
    return progress(session, service.resolved(session, [row])[0], _today(request)).as_json()


@api.put("/goals/{goal_id}")
def update_goal(
    request: Request, session: DbSession, actor: CurrentActor, goal_id: RowId, body: GoalIn
) -> dict[str, Any]:
    """Change what a goal sets (every field, as when setting it)."""
    require(actor, Action.GOAL_MANAGE)
    row = _goal(session, actor, goal_id)
    with refusals():
        service.update_goal(session, actor, row, body)
    audit(request, session, actor, "update", "goal", row.id, body.model_dump(mode="json"))
    return progress(session, service.resolved(session, [row])[0], _today(request)).as_json()


@api.delete("/goals/{goal_id}", status_code=204)
def delete_goal(request: Request, session: DbSession, actor: CurrentActor, goal_id: RowId) -> Response:
    """Remove a goal."""
    require(actor, Action.GOAL_MANAGE)
    row = _goal(session, actor, goal_id)
    with refusals():
        service.delete_goal(session, actor, row)
    audit(request, session, actor, "delete", "goal", goal_id, None)
    return Response(status_code=204)


def _refused(field: str, value: str, reason: str) -> HTTPException:
    return HTTPException(422, str(CallqaError(ErrorCode.V155, field=field, value=value, reason=reason)))


Period = Annotated[str, Query(max_length=16, description="week, month or quarter")]
Day = Annotated[str | None, Query(max_length=10, description="a day in the period (default today)")]
MinCount = Annotated[
    str | None, Query(max_length=6, description="scored interactions to be ranked (default: the setting)")
]


def _board(
    request: Request, session: Session, actor: Actor, period: str, day: str | None, least: str | None
) -> Board:
    """The leaderboard the query asks for, its parameters checked (V155 naming the bad one)."""
    kind = period.strip() or "month"
    if kind not in PERIOD_KINDS:
        raise _refused("period", kind, "is not week, month or quarter")
    on = _today(request)
    if day and day.strip():
        try:
            on = date.fromisoformat(day.strip())
        except ValueError:
            raise _refused("day", day, "is not a date (YYYY-MM-DD)") from None
        if not in_range(on):
            raise _refused("day", day, "is not a day from 1970 to 2999")
    raw = (least or "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= 100_000):
        raise _refused("min", raw, "is not a count from 1 to 100000")
    require(actor, Action.LEADERBOARD_VIEW)
    count = int(raw) if raw else request.app.state.settings.leaderboard_min_interactions
    board = leaderboard(session, actor, kind, on, min_count=count)
    audit(request, session, actor, "view", "leaderboard", None, {"period": kind, "day": on.isoformat()})
    return board


@api.get("/leaderboard")
def leaderboard_json(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    period: Period = "month",
    day: Day = None,
    min: MinCount = None,  # the query parameter's name
) -> dict[str, Any]:
    """Agents in the caller's scope ranked by official average score over the `period` (week, month,
    quarter) holding `day` (default today); `min` scored interactions to be ranked (default: the
    `leaderboard_min_interactions` setting). An agent gets only their own place and their team's median."""
    board = _board(request, session, actor, period, day, min)
    return board.as_json(names=actor.role is not UserRole.AGENT)


# ---- pages


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _form_goal(
    metric: str, scope: str, period: str, starts_on: str, target: str, criterion: str, team: str, agent: str
) -> GoalIn:
    try:
        return GoalIn(
            metric=metric,
            criterion=criterion or None,
            scope=scope,
            team=team or None,
            agent=agent or None,
            period=period,
            starts_on=starts_on,
            target=target,
        )
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise HTTPException(422, detail) from exc


def _goals_page(request: Request, session: Session, actor: Actor, error: str | None = None) -> Response:
    gettext = gettext_for(request, actor)
    day = _today(request)
    rows = service.visible_goals(session, actor)
    goals = [(g, progress(session, g, day)) for g in service.resolved(session, rows)]
    context = {
        "goals": goals,
        "metrics": GOAL_METRICS,
        "periods": PERIOD_KINDS,
        "teams": sorted(actor.led_teams) if actor.role is UserRole.SUPERVISOR else known_teams(session),
        "manages": allowed(actor, Action.GOAL_MANAGE),
        "agents": service.agents_in_scope(session, actor) if allowed(actor, Action.GOAL_MANAGE) else [],
        "error": error,
        "today": day,
        "tr": gettext,
    }
    return render(request, "goals.html", context, 422 if error else 200)


@pages.get("/goals", name="goals_page")
def goals_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.GOAL_VIEW)
    return _goals_page(request, session, actor)


@pages.post("/goals", name="goal_create")
def goal_create(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    metric: Annotated[str, Form(max_length=64)],
    scope: Annotated[str, Form(max_length=16)],
    period: Annotated[str, Form(max_length=16)],
    starts_on: Annotated[str, Form(max_length=10)],
    target: Annotated[str, Form(max_length=32)],
    criterion: Annotated[str, Form(max_length=255)] = "",
    team: Annotated[str, Form(max_length=255)] = "",
    agent: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    require(actor, Action.GOAL_MANAGE)
    body = _form_goal(metric, scope, period, starts_on, target, criterion, team, agent)
    try:
        row = service.create_goal(session, actor, body)
    except CallqaError as exc:
        return _goals_page(request, session, actor, str(exc))
    audit(request, session, actor, "create", "goal", row.id, body.model_dump(mode="json"))
    return RedirectResponse(f"/goals#goal-{row.id}", status_code=303)


@pages.post("/goals/{goal_id}/delete", name="goal_delete")
def goal_delete(request: Request, session: DbSession, actor: CurrentActor, goal_id: RowId) -> Response:
    require(actor, Action.GOAL_MANAGE)
    row = _goal(session, actor, goal_id)
    with refusals(status=403):
        service.delete_goal(session, actor, row)
    audit(request, session, actor, "delete", "goal", goal_id, None)
    return RedirectResponse("/goals", status_code=303)


@pages.get("/leaderboard", name="leaderboard_page")
def leaderboard_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    period: Period = "month",
    day: Day = None,
    min: MinCount = None,  # the query parameter's name
) -> Response:
    board = _board(request, session, actor, period, day, min)
    context = {"board": board, "kind": board.kind, "periods": PERIOD_KINDS, "num": _num}
    return render(request, "leaderboard.html", context)


@pages.get("/home", name="home_page")
def home_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """An agent's home: their goals, latest scores, open coaching action items and disputes."""
    if actor.role is not UserRole.AGENT:
        return RedirectResponse("/interactions", status_code=303)
    settings = request.app.state.settings
    home = agent_home(
        session,
        actor,
        today=_today(request),
        target_days=settings.dispute_target_days,
        gettext=gettext_for(request, actor),
    )
    audit(request, session, actor, "view", "home", None, None)
    return render(request, "home.html", {"home": home})


@api.get("/home")
def home_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """An agent's own goals (measured on their work), latest scores, open coaching action items and
    open disputes: what their home page shows."""
    if actor.role is not UserRole.AGENT or actor.agent_name is None:
        raise HTTPException(404, "the home page is an agent's")
    settings = request.app.state.settings
    home = agent_home(session, actor, today=_today(request), target_days=settings.dispute_target_days)
    return {
        "goals": [{**g.progress.as_json(), "text": g.text} for g in home.goals],
        "recent": [
            {
                "interaction_id": r.interaction_id,
                "external_id": r.external_id,
                "started_at": r.started_at.isoformat() if r.started_at else None,
                "score": r.score,
                "reviewed": r.reviewed,
            }
            for r in home.recent
        ],
        "actions": [
            {
                "coaching_id": a.coaching_id,
                "coaching": a.coaching,
                "text": a.text,
                "due_on": a.due_on.isoformat() if a.due_on else None,
            }
            for a in home.actions
        ],
        "disputes": [
            {
                "id": d.id,
                "interaction_id": d.interaction_id,
                "criterion": d.criterion_title,
                "opened_at": d.opened_at.isoformat(),
                "overdue": d.overdue,
            }
            for d in home.disputes
        ],
    }
