"""Request-scoped dependencies: the database session, the signed-in actor, CSRF protection, auditing."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from pydantic import Field
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

from callqa.access.policies import Action, Owner, allowed
from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.users.schemas import Actor
from callqa.users.service import actor_for, actor_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"

# Row ids in paths: positive and within a 64-bit integer (both databases' id type), so a huge or negative id
# is a 422 naming the parameter, never an overflow deep in the database driver.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]  # the same for an id in a request body


class NotSignedIn(Exception):
    """No valid session or token: pages redirect to the sign-in form, the API answers 401."""


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns (before the response is sent, so a
    client following a redirect reads what was written), rolled back when it raises."""
    factory: sessionmaker[Session] = request.app.state.factory
    with factory.begin() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_actor(request: Request, session: DbSession) -> Actor:
    """The actor behind the API token or the session cookie."""
    token = bearer_token(request)
    if token is not None:
        actor = actor_for_token(session, token)
    else:
        user_id = request.session.get("user_id")
        actor = actor_for(session, int(user_id)) if isinstance(user_id, int) else None
    if actor is None:
        raise NotSignedIn()
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_protect(connection: HTTPConnection) -> None:
    """Refuse a state-changing request made with the session cookie unless it carries the CSRF token.
    (WebSockets check their ``Origin`` instead: see ``web.routes.live``.)"""
    if not isinstance(connection, Request):
        return
    request = connection
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or sent is None or not secrets.compare_digest(sent, expected):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong; reload the page")


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def audit(
    request: Request,
    session: Session,
    actor: Actor | None,
    action: str,
    resource: str,
    resource_id: object = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record who did what to which resource, in the request's transaction."""
    record(
        session,
        user_id=actor.user_id if actor else None,
        username=actor.username if actor else "-",
        action=action,
        resource=resource,
        resource_id=resource_id,
        detail=detail,
        client=client_of(request),
    )


def require(actor: Actor, action: Action, owner: Owner | None = None, *, hide: bool = False) -> None:
    """Raise 403 (or 404 with ``hide``, so the resource's existence does not leak) unless allowed."""
    if not allowed(actor, action, owner):
        raise HTTPException(status_code=404 if hide else 403, detail="not found" if hide else "not allowed")


@contextmanager
def refusals(
    conflicts: Collection[ErrorCode] = (), *, missing: Collection[ErrorCode] = (), status: int = 422
) -> Iterator[None]:
    """A service's refusal (``CallqaError``) as an HTTP error: 409 for the conflict codes (wrong state,
    already exists), 404 for the missing ones, ``status`` otherwise. The transaction is rolled back."""
    try:
        yield
    except CallqaError as exc:
        code = 409 if exc.code in conflicts else 404 if exc.code in missing else status
        raise HTTPException(code, str(exc)) from exc
