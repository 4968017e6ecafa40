"""Admin pages: users, their roles, teams and teams led (the same services as /api/users). Teams are chosen
from the known ones; a new team is its own explicit step (``POST /admin/teams``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from callqa.access.policies import Action
from callqa.core.errors import CallqaError, ErrorCode
from callqa.users.schemas import UserCreate, UserRole, UserUpdate
from callqa.users.service import create_user, list_users, sign_out_everywhere, update_user
from callqa.users.teams import create_team
from callqa.views.teams import known_teams
from callqa.web.deps import CurrentActor, DbSession, audit, audit_sessions_ended, refusals, require
from callqa.web.render import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
Teams = Annotated[list[str], Form()]


def _teams(values: list[str]) -> list[str]:
    """Teams led: one per value (a multiple select), or comma-separated (a text field, the API's old form)."""
    return [t.strip() for value in values for t in value.split(",") if t.strip()]


def _invalid(exc: ValidationError) -> HTTPException:
    return HTTPException(422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))


@router.get("/admin/users", name="users_page")
def users_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.USER_MANAGE)
    context = {
        "users": list_users(session),
        "roles": [r.value for r in UserRole],
        "teams": known_teams(session),
    }
    return render(request, "users.html", context)


@router.post("/admin/teams", name="teams_create")
def teams_create(request: Request, session: DbSession, actor: CurrentActor, name: Text) -> Response:
    """The users page's "New team": the one place a team name is made."""
    require(actor, Action.USER_MANAGE)
    with refusals([ErrorCode.U104]):
        team = create_team(session, name)
    audit(request, session, actor, "create", "team", team.id, {"name": team.name})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users", name="users_create")
def users_create(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    username: Text,
    display_name: Text,
    password: Text,
    role: Text,
    agent_name: Text = "",
    team: Text = "",
    leads: Teams | None = None,
    locale: Text = "en",
) -> Response:
    require(actor, Action.USER_MANAGE)
    try:
        new = UserCreate(
            username=username.strip(),
            display_name=display_name.strip(),
            password=password,
            role=UserRole(role),
            agent_name=agent_name or None,
            team=team.strip() or None,
            leads=_teams(leads or []),
            locale=locale,
        )
        row = create_user(session, new, known_teams=known_teams(session))
    except ValidationError as exc:
        raise _invalid(exc) from exc
    except (CallqaError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    audit(request, session, actor, "create", "user", row.id, {"username": new.username, "role": new.role})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}", name="users_update")
def users_update(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    username: str,
    role: Text,
    team: Text = "",
    leads: Teams | None = None,
    active: Text = "yes",
) -> Response:
    require(actor, Action.USER_MANAGE)
    if username == actor.username and active != "yes":
        raise HTTPException(409, "you cannot deactivate yourself")
    try:
        changes = UserUpdate(
            role=UserRole(role),
            team=team.strip(),
            active=active == "yes",
            leads=_teams(leads or []) if role == UserRole.SUPERVISOR.value else [],
        )
        row, ended = update_user(session, username, changes, known_teams=known_teams(session))
    except ValidationError as exc:
        raise _invalid(exc) from exc
    except (CallqaError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    audit(
        request, session, actor, "update", "user", row.id, changes.model_dump(mode="json", exclude_unset=True)
    )
    audit_sessions_ended(request, session, actor, row.id, row.username, ended, "deactivated")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/sign-out", name="users_sign_out")
def users_sign_out(request: Request, session: DbSession, actor: CurrentActor, username: str) -> Response:
    """The users page's "Sign out everywhere": every web session of the user is revoked."""
    require(actor, Action.USER_MANAGE)
    with refusals(missing=[ErrorCode.U102]):
        user, ended = sign_out_everywhere(session, username)
    audit_sessions_ended(request, session, actor, user.id, user.username, ended, "admin")
    return RedirectResponse("/admin/users", status_code=303)
