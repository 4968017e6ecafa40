"""Saving, listing and deleting saved searches.

A saved search stores only the list page's parameters; it is run with the viewer's own scope, so sharing
one never shows anyone an interaction they could not find by typing the same search.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.query import InteractionQuery
from callqa.searches.models import SavedSearchRow
from callqa.searches.schemas import SavedSearch, SavedSearchCreate
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole

# the list page's parameters: every query field but the viewer's scope and local days, and the sort
PARAMS = frozenset({f.name for f in fields(InteractionQuery)} - {"teams", "days"} | {"sort"})


def member_teams(actor: Actor) -> frozenset[str]:
    """The teams whose shared searches ``actor`` sees: the one they work in and the ones they lead."""
    return actor.led_teams | ({actor.team} if actor.team else set())


def shareable_teams(actor: Actor, teams: list[str]) -> list[str]:
    """Of ``teams`` (e.g. the list page's team choices), those ``actor`` may share a search with."""
    return [team for team in teams if allowed(actor, Action.SEARCH_SHARE, Owner(agent=None, team=team))]


def save_search(session: Session, actor: Actor, data: SavedSearchCreate) -> SavedSearch:
    """Keep ``data`` under its name for ``actor`` (shared with ``data.team`` when given)."""
    name = " ".join(data.name.split())
    if not name:
        raise CallqaError(ErrorCode.V161)
    unknown = sorted(set(data.params) - PARAMS)
    if unknown:
        raise CallqaError(
            ErrorCode.V164,
            name=name,
            reason=f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(PARAMS))}",
        )
    team = data.team.strip() if data.team and data.team.strip() else None
    if team is not None and not allowed(actor, Action.SEARCH_SHARE, Owner(agent=None, team=team)):
        theirs = ", ".join(sorted(member_teams(actor))) if actor.role is not UserRole.AGENT else ""
        raise CallqaError(
            ErrorCode.V163, name=name, team=team, teams=theirs or "none: agents keep their searches private"
        )
    taken = session.scalar(
        select(SavedSearchRow.id).where(SavedSearchRow.user_id == actor.user_id, SavedSearchRow.name == name)
    )
    if taken is not None:
        raise CallqaError(ErrorCode.V162, name=name, owner=actor.username)
    params = {key: value for key, value in sorted(data.params.items()) if value.strip()}
    row = SavedSearchRow(
        user_id=actor.user_id, name=name, params=params, team=team, created_at=datetime.now(UTC)
    )
    session.add(row)
    session.flush()
    return _read(row, actor.username, actor)


def visible_searches(session: Session, actor: Actor) -> list[SavedSearch]:
    """``actor``'s own saved searches and those shared with a team they work in or lead, by name."""
    teams = sorted(member_teams(actor))
    rows = session.execute(
        select(SavedSearchRow, UserRow.username)
        .join(UserRow, UserRow.id == SavedSearchRow.user_id)
        .where(
            or_(
                SavedSearchRow.user_id == actor.user_id,
                SavedSearchRow.team.in_(teams) if teams else SavedSearchRow.id.is_(None),
            )
        )
        .order_by(SavedSearchRow.name, SavedSearchRow.id)
    )
    return [_read(row, username, actor) for row, username in rows]


def delete_search(session: Session, actor: Actor, search_id: int) -> SavedSearch:
    """Remove a saved search: its owner may, and an admin; whoever merely sees a shared one may not."""
    found = {s.id: s for s in visible_searches(session, actor)}
    row = session.get(SavedSearchRow, search_id)
    if row is None or (search_id not in found and actor.role is not UserRole.ADMIN):
        raise CallqaError(ErrorCode.V165, ident=search_id)
    if row.user_id != actor.user_id and actor.role is not UserRole.ADMIN:
        raise CallqaError(ErrorCode.V166, name=row.name, owner=found[search_id].owner)
    owner = session.scalar(select(UserRow.username).where(UserRow.id == row.user_id)) or "-"
    gone = _read(row, owner, actor)
    session.delete(row)
    session.flush()
    return gone


def _read(row: SavedSearchRow, owner: str, actor: Actor) -> SavedSearch:
    return SavedSearch(
        id=row.id,
        name=row.name,
        params=dict(row.params),
        team=row.team,
        owner=owner,
        mine=row.user_id == actor.user_id,
        created_at=row.created_at,
    )
