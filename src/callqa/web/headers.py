"""Security headers on every HTTP response: a Content-Security-Policy with no inline script (pages load
their scripts from /static), no framing, no MIME sniffing, a same-origin referrer, and HSTS when the
request came over TLS (directly or through a proxy that says so)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # style attributes are used for layout (widths, fonts); no style comes from elsewhere
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",  # includes the page's own ws:// / wss:// in current browsers
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")
# The interactive API pages (/api/docs, /api/redoc) load Swagger UI and ReDoc from this server and start
# them from /static: they live under the same policy as every page (routes/api_docs.py).


def _over_tls(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    forwarded = dict(scope.get("headers") or []).get(b"x-forwarded-proto", b"")
    return bool(forwarded.split(b",")[0].strip() == b"https")


class SecurityHeaders:
    """ASGI middleware: adds :data:`HEADERS` (and HSTS over TLS) unless a response already set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = (*HEADERS, HSTS) if _over_tls(scope) else HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((n, v) for n, v in extra if n not in present),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)
