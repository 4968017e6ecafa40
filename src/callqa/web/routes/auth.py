"""Signing in and out of the web app."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callqa.access.throttle import WINDOW, locked_out
from callqa.users.service import authenticate
from callqa.web.deps import DbSession, audit, client_of, csrf_token
from callqa.web.render import render

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
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session["user_id"] = actor.user_id
    csrf_token(request)
    audit(request, session, actor, "login", "user", actor.user_id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
