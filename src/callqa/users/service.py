"""Users, teams and API tokens: creating them, signing in, and loading the actor behind a request."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.i18n import LOCALES
from callqa.users.models import ApiTokenRow, LeadsTeamRow, TeamRow, UserRow
from callqa.users.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from callqa.users.schemas import Actor, UserCreate, UserRead, UserRole, UserUpdate
from callqa.users.sessions import TOUCH_EVERY, due_for_touch, revoke_user_sessions
from callqa.users.teams import check_known

TOKEN_PREFIX = "cqa_"


def ensure_team(session: Session, name: str) -> TeamRow:
    """The team called ``name``, created when new."""
    team = session.scalar(select(TeamRow).where(TeamRow.name == name))
    if team is None:
        team = TeamRow(name=name, created_at=datetime.now(UTC))
        session.add(team)
        session.flush()
    return team


def create_user(session: Session, new: UserCreate, *, known_teams: Collection[str] | None = None) -> UserRow:
    """Add a user (its password hashed); an agent must say which ``agent`` their interactions carry. With
    ``known_teams``, a team or team led outside it is refused (U103) instead of created."""
    if session.scalar(select(UserRow.id).where(UserRow.username == new.username)) is not None:
        raise CallqaError(ErrorCode.U100, username=new.username)
    if new.role is UserRole.AGENT and not new.agent_name:
        raise CallqaError(ErrorCode.U101, username=new.username, reason="an agent needs an agent name")
    if new.leads and new.role is not UserRole.SUPERVISOR:
        raise CallqaError(ErrorCode.U101, username=new.username, reason="only a supervisor leads teams")
    if known_teams is not None:
        check_known(new.username, [*([new.team] if new.team else []), *new.leads], known_teams)
    team = ensure_team(session, new.team) if new.team else None
    user = UserRow(
        username=new.username,
        display_name=new.display_name,
        password_hash=hash_password(new.password),
        role=new.role.value,
        agent_name=new.agent_name,
        team_id=team.id if team else None,
        locale=new.locale,
        hired_on=new.hired_on,
        active=True,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    for name in dict.fromkeys(new.leads):
        session.add(LeadsTeamRow(user_id=user.id, team_id=ensure_team(session, name).id))
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active user, else None (in constant work)."""
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return actor_for(session, user.id)


def actor_for(session: Session, user_id: int) -> Actor | None:
    """The actor of an active user (role, own team, teams led)."""
    user = session.get(UserRow, user_id)
    if user is None or not user.active:
        return None
    team = session.get(TeamRow, user.team_id) if user.team_id else None
    led = session.scalars(
        select(TeamRow.name)
        .join(LeadsTeamRow, LeadsTeamRow.team_id == TeamRow.id)
        .where(LeadsTeamRow.user_id == user.id)
    )
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=UserRole(user.role),
        agent_name=user.agent_name,
        team=team.name if team else None,
        led_teams=frozenset(led),
        locale=user.locale,
    )


class UserChange(NamedTuple):
    user: UserRow
    sessions_ended: int  # the user's web sessions revoked by the change (deactivated)


def update_user(
    session: Session, username: str, changes: UserUpdate, *, known_teams: Collection[str] | None = None
) -> UserChange:
    """Apply ``changes``; the result must still be a valid user (an agent keeps an agent name, only a
    supervisor leads teams). Deactivating a user revokes their web sessions. With ``known_teams``, a team or
    team led outside it is refused (U103) instead of created."""
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise CallqaError(ErrorCode.U102, username=username)
    given = changes.model_dump(exclude_unset=True)
    role = UserRole(given.get("role") or user.role)
    agent_name = given.get("agent_name", user.agent_name)
    if role is UserRole.AGENT and not agent_name:
        raise CallqaError(ErrorCode.U101, username=username, reason="an agent needs an agent name")
    leads = given.get("leads")
    if leads and role is not UserRole.SUPERVISOR:
        raise CallqaError(ErrorCode.U101, username=username, reason="only a supervisor leads teams")
    if known_teams is not None:
        check_known(username, [*([given["team"]] if given.get("team") else []), *(leads or [])], known_teams)
    for name in ("display_name", "locale", "hired_on", "active"):
        if name in given:
            setattr(user, name, given[name])
    user.role, user.agent_name = role.value, agent_name
    if "team" in given:
        user.team_id = ensure_team(session, given["team"]).id if given["team"] else None
    if leads is not None or role is not UserRole.SUPERVISOR:
        session.query(LeadsTeamRow).filter(LeadsTeamRow.user_id == user.id).delete()
        for name in dict.fromkeys(leads or []):
            session.add(LeadsTeamRow(user_id=user.id, team_id=ensure_team(session, name).id))
    session.flush()
    ended = revoke_user_sessions(session, user.id) if given.get("active") is False else 0
    return UserChange(user, ended)


def set_password(session: Session, username: str, password: str) -> int:
    """Change a user's password (checked against the policy); their web sessions are revoked: how many."""
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise CallqaError(ErrorCode.U102, username=username)
    problem = password_problem(password, username)
    if problem:
        raise CallqaError(ErrorCode.U101, username=username, reason=f"password: {problem}")
    user.password_hash = hash_password(password)
    return revoke_user_sessions(session, user.id)


def sign_out_everywhere(session: Session, username: str) -> tuple[UserRow, int]:
    """Revoke every web session of the user: the user, and how many sessions were ended."""
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise CallqaError(ErrorCode.U102, username=username)
    return user, revoke_user_sessions(session, user.id)


def set_locale(session: Session, user_id: int, code: str) -> None:
    """The user's interface language; a language not offered here is refused (L111)."""
    if code not in LOCALES:
        raise CallqaError(ErrorCode.L111, language=code, choices=", ".join(LOCALES))
    user = session.get(UserRow, user_id)
    if user is None:
        raise CallqaError(ErrorCode.U102, username=str(user_id))
    user.locale = code
    session.flush()


def list_users(session: Session) -> list[UserRead]:
    teams = {t.id: t.name for t in session.scalars(select(TeamRow))}
    leads: dict[int, list[str]] = {}
    for lead in session.scalars(select(LeadsTeamRow)):
        leads.setdefault(lead.user_id, []).append(teams[lead.team_id])
    return [
        UserRead(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=UserRole(u.role),
            agent_name=u.agent_name,
            team=teams.get(u.team_id) if u.team_id else None,
            leads=sorted(leads.get(u.id, [])),
            locale=u.locale,
            hired_on=u.hired_on,
            active=u.active,
        )
        for u in session.scalars(select(UserRow).order_by(UserRow.username))
    ]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user_id: int, name: str) -> tuple[str, ApiTokenRow]:
    """A new API token for the user: the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiTokenRow(
        user_id=user_id,
        name=name,
        token_hash=_digest(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return token, row


def actor_for_token(session: Session, token: str) -> Actor | None:
    """The actor behind a valid, unrevoked API token (its last use recorded, at most once a minute)."""
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = datetime.now(UTC)
    if not due_for_touch(row.last_used_at, now):
        return actor_for(session, row.user_id)
    session.execute(
        update(ApiTokenRow)
        .where(
            ApiTokenRow.id == row.id,
            or_(ApiTokenRow.last_used_at.is_(None), ApiTokenRow.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return actor_for(session, row.user_id)


def list_tokens(session: Session, user_id: int) -> list[ApiTokenRow]:
    """The user's tokens, newest first (revoked ones too, marked)."""
    query = select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.id.desc())
    return list(session.scalars(query))


def revoke_token(session: Session, user_id: int, token_id: int) -> bool:
    row = session.get(ApiTokenRow, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    return True
