"""Request-scoped dependencies: the database session, the signed-in actor, CSRF protection, auditing."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

from callqa.access.policies import Action, Owner, allowed
from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.users.models import SessionRow
from callqa.users.schemas import Actor
from callqa.users.service import actor_for, actor_for_token
from callqa.users.sessions import live_session
from callqa.web.sessions import cookie_session, csrf_for

M = TypeVar("M", bound=BaseModel)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
JSON_NUL = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u0000"
)  # the escape \u0000, not an escaped backslash before "u0000"

# Row ids in paths: positive and within a 64-bit integer (both databases' id type), so a huge or negative id
# is a 422 naming the parameter, never an overflow deep in the database driver.
MAX_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]  # the same for an id in a request body
# A turn index or a version number: 32-bit columns (PostgreSQL refuses a larger value even in a comparison).
MAX_INT32 = 2**31 - 1
Position = Annotated[int, Field(ge=0, le=MAX_INT32)]  # a 0-based turn index


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


def signed_in_session(connection: HTTPConnection, session: Session) -> SessionRow | None:
    """The live server-side session behind the request's cookie, if any."""
    cookie = cookie_session(connection)
    if not cookie.from_request:
        return None
    return live_session(session, cookie.id, connection.app.state.session_limits)


def current_actor(request: Request) -> Actor:
    """The actor behind the API token or the session cookie.

    Looked up in a short transaction of its own: recording the token's or the session's last use is a
    write, and on SQLite a write held by the request's transaction until the response would lock out every
    other writer meanwhile (another request, the audit of a page served with its own session, the live
    service), for SQLite's whole busy timeout."""
    factory: sessionmaker[Session] = request.app.state.factory
    token = bearer_token(request)
    actor: Actor | None = None
    with factory.begin() as session:
        if token is not None:
            actor = actor_for_token(session, token)
        else:
            row = signed_in_session(request, session)
            if row is not None:
                actor = actor_for(session, row.user_id)
                request.state.session_row_id = row.id
    if actor is None:
        raise NotSignedIn()
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def csrf_token(request: Request) -> str:
    """This session's CSRF token (a session cookie is set when the request had none)."""
    cookie = cookie_session(request)
    if not cookie.from_request and not cookie.clear:
        cookie.send = True
    return csrf_for(request.app.state.session_secret, cookie.id)


async def csrf_protect(connection: HTTPConnection) -> None:
    """Refuse a state-changing request made with the session cookie unless it carries the CSRF token.
    (WebSockets check their ``Origin`` instead: see ``web.routes.live``.)"""
    if not isinstance(connection, Request):
        return
    request = connection
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith((FORM, MULTIPART)):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    cookie = cookie_session(request)
    expected = csrf_for(request.app.state.session_secret, cookie.id)
    if not cookie.from_request or sent is None or not secrets.compare_digest(sent, expected):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong; reload the page")


async def refuse_nul(connection: HTTPConnection) -> None:
    """Refuse text holding a NUL character — in the path, the query string, a JSON body or a form field —
    with a 422 before any handler runs: PostgreSQL cannot store or even compare such text (a 500
    otherwise), and no name, id or note needs one. Uploaded files are not text and are left alone."""
    if not isinstance(connection, Request):
        return
    request = connection
    part = None
    if "\x00" in request.url.path or "%00" in request.url.query:
        part = "path" if "\x00" in request.url.path else "query string"
    elif request.method not in SAFE_METHODS:
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            nul = JSON_NUL.search(await request.body()) is not None
        elif kind.startswith((FORM, MULTIPART)):  # parsed once, the handler reads the same form
            nul = any(isinstance(v, str) and "\x00" in v for _, v in (await request.form()).multi_items())
        else:
            nul = False
        part = "body" if nul else None
    if part is not None:
        raise HTTPException(422, str(CallqaError(ErrorCode.W101, part=part)))


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


def audit_sessions_ended(
    request: Request, session: Session, actor: Actor | None, user_id: int, username: str, count: int, why: str
) -> None:
    """Record that ``count`` web sessions of a user were revoked, by whom (the actor) and why."""
    if count:
        audit(
            request,
            session,
            actor,
            "revoke",
            "session",
            user_id,
            {"username": username, "count": count, "why": why},
        )


def validated(model: type[M], **values: Any) -> M:
    """A model built in a handler from form fields: invalid values are a 422 naming the field, not a 500."""
    try:
        return model(**values)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise HTTPException(422, detail) from exc


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
