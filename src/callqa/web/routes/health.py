"""``GET /api/health`` (no sign-in: states and counts only) and ``GET /metrics`` (Prometheus text; a Bearer
token when ``metrics_token`` is set)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from callqa.web.deps import bearer_token
from callqa.workers.health import check_health
from callqa.workers.metrics import CONTENT_TYPE, render_metrics, stored_counts

router = APIRouter()


@router.get("/api/health", name="health", tags=["monitoring"])
def health(request: Request) -> JSONResponse:
    """Up or down: the database, Redis (when configured), workers alive, queue lengths, task failures.
    200 when healthy, 503 when the database or a configured Redis does not answer."""
    state = check_health(request.app.state.engine, request.app.state.settings.redis_url)
    return JSONResponse(state.as_json(), status_code=200 if state.ok else 503)


@router.get("/metrics", name="metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    settings = request.app.state.settings
    if settings.metrics_token is not None:
        sent = bearer_token(request) or ""
        if not hmac.compare_digest(sent.encode(), settings.metrics_token.get_secret_value().encode()):
            return Response(
                "metrics need the token: Authorization: Bearer <CALLQA_METRICS_TOKEN>\n",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": "Bearer"},
            )
    state = check_health(request.app.state.engine, settings.redis_url)
    counts = stored_counts(request.app.state.factory) if state.database == "up" else None
    body = render_metrics(state, counts, _live_calls(request))
    return Response(body, media_type=CONTENT_TYPE)


def _live_calls(request: Request) -> int | None:
    """Calls this process's live monitor holds (None: the live service was never started here)."""
    service = getattr(request.app.state, "live", None)
    return None if service is None else len(service.monitor.calls)
