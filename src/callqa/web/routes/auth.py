"""Signing in and out of the web app."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callqa.access.policies import Action
from callqa.access.throttle import WINDOW, locked_out
from callqa.users.schemas import UserRole
from callqa.users.service import actor_for, authenticate, sign_out_everywhere
from callqa.users.sessions import open_session, revoke_session
from callqa.web.deps import CurrentActor, DbSession, audit, audit_sessions_ended, client_of, require
from callqa.web.render import render
from callqa.web.sessions import cookie_session

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme or host: an open redirect would help phishing)."""
    if not target:
        return "/interactions"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/interactions"
    return target


@router.get("/login", name="login_form")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    name = username.strip()
    locked = locked_out(session, name, client_of(request))
    if locked is not None:
        audit(request, session, None, "login_locked", "user", None, {"username": name[:128], "by": locked})
        minutes = int(WINDOW.total_seconds() // 60)
        error = f"Too many failed sign-ins for this {locked}: try again in {minutes} minutes."
        context = {"next": _safe_next(next), "error": error, "username": username}
        return render(request, "login.html", context, status_code=429)
    actor = authenticate(session, name, password)
    if actor is None:
        audit(request, session, None, "login_failed", "user", None, {"username": username.strip()[:128]})
        context = {"next": _safe_next(next), "error": "Wrong username or password.", "username": username}
        return render(request, "login.html", context, status_code=401)
    raw, row = open_session(
        session,
        actor.user_id,
        request.app.state.session_limits,
        client=client_of(request),
        user_agent=request.headers.get("user-agent"),
    )
    cookie_session(request).begin(raw)  # a new id, and with it a new CSRF token
    audit(request, session, actor, "login", "user", actor.user_id, {"session": row.id})
    target = _safe_next(next)
    if actor.role is UserRole.AGENT and target == "/interactions":
        target = "/home"  # the default landing page: an agent's is their home (goals, scores, coaching)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    """Sign out: the server-side session is revoked, so the old cookie no longer signs anyone in."""
    cookie = cookie_session(request)
    row = revoke_session(session, cookie.id) if cookie.from_request else None
    if row is not None:
        actor = actor_for(session, row.user_id)
        audit(request, session, actor, "logout", "session", row.id, {"user_id": row.user_id})
    cookie.end()
    return RedirectResponse("/login", status_code=303)


@router.post("/me/sign-out", name="sign_out_everywhere")
def sign_out_everywhere_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The profile page's "Sign out everywhere": every web session of the user ends, this one too."""
    require(actor, Action.SESSION_MANAGE)
    _, ended = sign_out_everywhere(session, actor.username)
    audit_sessions_ended(request, session, actor, actor.user_id, actor.username, ended, "self")
    cookie_session(request).end()
    return RedirectResponse("/login", status_code=303)
