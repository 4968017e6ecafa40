"""The session cookie: it holds only a random id, nothing readable. Signed in, the id names a row of the
``sessions`` table (``users.sessions``), which the server can revoke; before sign-in it only keys the sign-in
form's CSRF token. The CSRF token is an HMAC of the id under the app's secret, so it is never stored and a
new session (sign-in, sign-out) has a new one."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import CookieError, SimpleCookie

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callqa.core.settings import Settings
from callqa.users.sessions import SessionLimits, new_session_id

COOKIE = "callqa_session"
SCOPE_KEY = "callqa.cookie"
ID_MAX = 128  # a longer cookie value is not one of ours


@dataclass
class CookieSession:
    """The session id of one request: from its cookie, or a new one the response sets."""

    id: str
    from_request: bool
    send: bool = False  # set the cookie on the response
    clear: bool = False  # delete the cookie on the response

    def begin(self, session_id: str) -> None:
        """Send a new id (sign-in: the old one, maybe planted by someone else, is worth nothing after it)."""
        self.id, self.send, self.clear = session_id, True, False

    def end(self) -> None:
        """Delete the cookie (sign-out)."""
        self.clear, self.send = True, False


def limits_of(settings: Settings) -> SessionLimits:
    return SessionLimits(
        absolute=timedelta(hours=settings.session_hours), idle=timedelta(hours=settings.session_idle_hours)
    )


def cookie_session(connection: HTTPConnection) -> CookieSession:
    """This request's session id (``SessionCookies`` put it there)."""
    value: CookieSession = connection.scope[SCOPE_KEY]
    return value


def csrf_for(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()


class SessionCookies:
    """Reads the session cookie into the scope, and sets or deletes it on the response when asked."""

    def __init__(self, app: ASGIApp, *, max_age: int, https_only: bool) -> None:
        self.app = app
        self.max_age = max_age
        self.secure = "; Secure" if https_only else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        current = _cookie_value(scope)
        state = CookieSession(current, True) if current else CookieSession(new_session_id(), False)
        scope[SCOPE_KEY] = state

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = self._header(state)
                if header is not None:
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"set-cookie", header.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _header(self, state: CookieSession) -> str | None:
        attributes = f"; Path=/; HttpOnly; SameSite=Lax{self.secure}"
        if state.clear:
            return f"{COOKIE}=; Max-Age=0{attributes}"
        if state.send:
            return f"{COOKIE}={state.id}; Max-Age={self.max_age}{attributes}"
        return None


def _cookie_value(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookies: SimpleCookie = SimpleCookie()
            try:
                cookies.load(value.decode("latin-1"))
            except CookieError:  # a malformed Cookie header is no session, not an error
                continue
            morsel = cookies.get(COOKIE)
            if morsel is not None and 0 < len(morsel.value) <= ID_MAX:
                return morsel.value
    return None
