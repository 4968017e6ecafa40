"""REST API: API tokens and web sessions (one's own), users and their sessions (admin), the audit log
(admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from callqa.access.policies import Action
from callqa.audit.service import search
from callqa.core.errors import ErrorCode
from callqa.users.models import SessionRow
from callqa.users.schemas import UserCreate, UserRead, UserUpdate
from callqa.users.service import (
    create_token,
    create_user,
    list_tokens,
    list_users,
    revoke_token,
    sign_out_everywhere,
    update_user,
)
from callqa.users.sessions import user_sessions
from callqa.users.teams import create_team
from callqa.views.teams import known_teams
from callqa.web.audit_query import AuditQuery, entry_json
from callqa.web.deps import (
    MAX_INT32,
    CurrentActor,
    DbSession,
    RowId,
    audit,
    audit_sessions_ended,
    refusals,
    require,
)

router = APIRouter(prefix="/api", tags=["users"])


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=128, description="What the token is for.")


@router.get("/tokens")
def tokens(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The caller's API tokens (never the token itself: only its first characters)."""
    require(actor, Action.TOKEN_MANAGE)
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked_at is not None,
        }
        for t in list_tokens(session, actor.user_id)
    ]


@router.post("/tokens", status_code=201)
def new_token(request: Request, session: DbSession, actor: CurrentActor, body: TokenCreate) -> dict[str, Any]:
    """A new token acting as the caller; the token is shown in this answer only."""
    require(actor, Action.TOKEN_MANAGE)
    token, row = create_token(session, actor.user_id, body.name)
    audit(request, session, actor, "create", "api_token", row.id, {"name": body.name})
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "token": token}


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(request: Request, session: DbSession, actor: CurrentActor, token_id: RowId) -> None:
    """Revoke one of the caller's tokens."""
    require(actor, Action.TOKEN_MANAGE)
    if not revoke_token(session, actor.user_id, token_id):
        raise HTTPException(404, "no such active token of yours")
    audit(request, session, actor, "revoke", "api_token", token_id)


@router.get("/users")
def users(session: DbSession, actor: CurrentActor) -> list[UserRead]:
    """Every user with role, team and the teams they lead (admin only)."""
    require(actor, Action.USER_MANAGE)
    return list_users(session)


class TeamCreate(BaseModel):
    name: str = Field(min_length=1, max_length=128, description="The team's name, as interactions carry it.")


@router.get("/teams")
def teams(session: DbSession, actor: CurrentActor) -> list[str]:
    """The teams a user can be put in or lead: the teams table and those of stored interactions (admin)."""
    require(actor, Action.USER_MANAGE)
    return known_teams(session)


@router.post("/teams", status_code=201)
def add_team(request: Request, session: DbSession, actor: CurrentActor, body: TeamCreate) -> dict[str, str]:
    """Create a team (admin only); a user's team or teams led must be a known team."""
    require(actor, Action.USER_MANAGE)
    with refusals([ErrorCode.U104]):
        team = create_team(session, body.name)
    audit(request, session, actor, "create", "team", team.id, {"name": team.name})
    return {"name": team.name}


@router.post("/users", status_code=201)
def add_user(request: Request, session: DbSession, actor: CurrentActor, body: UserCreate) -> UserRead:
    """Create a user (admin only)."""
    require(actor, Action.USER_MANAGE)
    with refusals([ErrorCode.U100]):
        row = create_user(session, body, known_teams=known_teams(session))
    audit(request, session, actor, "create", "user", row.id, {"username": body.username, "role": body.role})
    return next(u for u in list_users(session) if u.id == row.id)


@router.patch("/users/{username}")
def change_user(
    request: Request, session: DbSession, actor: CurrentActor, username: str, body: UserUpdate
) -> UserRead:
    """Change a user's role, team, teams led, language, or deactivate them (admin only)."""
    require(actor, Action.USER_MANAGE)
    if username == actor.username and body.active is False:
        raise HTTPException(409, "you cannot deactivate yourself")
    with refusals(missing=[ErrorCode.U102]):
        row, ended = update_user(session, username, body, known_teams=known_teams(session))
    audit(request, session, actor, "update", "user", row.id, body.model_dump(mode="json", exclude_unset=True))
    audit_sessions_ended(request, session, actor, row.id, row.username, ended, "deactivated")
    return next(u for u in list_users(session) if u.id == row.id)


@router.delete("/users/{username}/sessions")
def end_user_sessions(
    request: Request, session: DbSession, actor: CurrentActor, username: str
) -> dict[str, int]:
    """Sign a user out everywhere: every web session of theirs is revoked (admin only). API tokens stay."""
    require(actor, Action.USER_MANAGE)
    with refusals(missing=[ErrorCode.U102]):
        user, ended = sign_out_everywhere(session, username)
    audit_sessions_ended(request, session, actor, user.id, user.username, ended, "admin")
    return {"ended": ended}


@router.get("/sessions")
def sessions(request: Request, session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The caller's live web sessions, newest first (``current``: the one this request came with)."""
    require(actor, Action.SESSION_MANAGE)
    current = getattr(request.state, "session_row_id", None)
    return [
        session_json(row, current=row.id == current)
        for row in user_sessions(session, actor.user_id, request.app.state.session_limits)
    ]


@router.delete("/sessions")
def end_my_sessions(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, int]:
    """Sign out everywhere: every web session of the caller is revoked, this one too. API tokens stay."""
    require(actor, Action.SESSION_MANAGE)
    _, ended = sign_out_everywhere(session, actor.username)
    audit_sessions_ended(request, session, actor, actor.user_id, actor.username, ended, "self")
    return {"ended": ended}


def session_json(row: SessionRow, *, current: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "last_seen_at": row.last_seen_at.isoformat(),
        "expires_at": row.expires_at.isoformat(),
        "client": row.client,
        "user_agent": row.user_agent,
        "current": current,
    }


@router.get("/audit")
def audit_log(
    session: DbSession,
    actor: CurrentActor,
    where: AuditQuery,
    offset: Annotated[int, Query(ge=0, le=MAX_INT32)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The audit entries the filters keep, newest first (admin only); the same query as /admin/audit."""
    require(actor, Action.AUDIT_VIEW)
    return [entry_json(e) for e in search(session, where, offset=offset, limit=limit).entries]
