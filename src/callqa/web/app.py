"""``create_app``: the FastAPI application (pages and REST API) over one database; nothing at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from callqa.core.settings import Settings
from callqa.insights.reweight_cache import ReportCache
from callqa.runtime import Runtime
from callqa.web.background import start_background, stop_background
from callqa.web.deps import NotSignedIn, csrf_protect, refuse_nul
from callqa.web.headers import SecurityHeaders
from callqa.web.render import make_templates, render
from callqa.web.routes import (
    admin,
    admin_audit,
    admin_settings,
    agreement,
    api_classes,
    api_docs,
    api_export,
    api_external_ids,
    api_interactions,
    api_queues,
    api_review,
    api_scenarios,
    api_users,
    auth,
    calibration,
    calibration_grid,
    channels,
    coaching,
    coaching_items,
    external_ids,
    goals,
    health,
    insights,
    knowledge,
    lifecycle,
    live,
    operations,
    pages,
    productivity,
    queues,
    reports,
    review_pages,
    routing_ids,
    saved_searches,
    scenarios,
    scorecards,
    shift_entries,
    shift_entry_pages,
    shift_pages,
    shift_rounds,
    skills,
    standards,
    training_assignments,
    training_classes,
    training_hub,
    training_meeting_pack,
    training_practice,
    training_practice_pages,
    tune,
)
from callqa.web.secret import session_secret
from callqa.web.sessions import SessionCookies, limits_of

HERE = Path(__file__).parent
API_DESCRIPTION = """REST API of callqa. Authenticate with `Authorization: Bearer <token>` (create a token on
your profile page or with `POST /api/tokens`). Every call acts with the token owner's role: an agent sees only
their own work, a supervisor their teams' work."""


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, runtime: Runtime | None = None
) -> FastAPI:
    """The web app over the runtime (default: opened from ``settings`` on ``engine`` or the configured
    database, migrated to the current schema).

    Its lifespan starts the insights refresher and the report sender, and stops them, the live service and
    its model process on shutdown, however the app is served (``callqa serve``, ``uvicorn ...asgi:app``).
    """
    runtime = runtime or Runtime.open(settings, engine=engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        start_background(app)
        try:
            yield
        finally:
            await stop_background(app)
            runtime.close()

    app = FastAPI(
        title="callqa",
        description=API_DESCRIPTION,
        version="0.1.0",
        docs_url=None,  # served offline by routes/api_docs.py
        redoc_url=None,
        openapi_url=api_docs.OPENAPI_URL,
        dependencies=[Depends(refuse_nul), Depends(csrf_protect)],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    app.state.engine = runtime.engine
    app.state.factory = runtime.factory
    app.state.jobs = {}  # background jobs by id (re-scoring), for their progress
    app.state.reweight_reports = ReportCache()  # the standards page's analyses, per data marker
    app.state.templates = make_templates(HERE / "templates")
    app.state.session_secret = session_secret(runtime.settings)
    app.state.session_limits = limits_of(runtime.settings)
    app.add_middleware(
        SessionCookies,
        max_age=int(runtime.settings.session_hours * 3600),
        https_only=runtime.settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api_docs.mount_assets(app)
    for module in (
        auth,
        admin,
        admin_audit,
        admin_settings,
        api_docs,
        pages,
        review_pages,
        api_interactions,
        api_export,
        api_review,
        api_queues,
        queues,
        productivity,
        api_users,
    ):
        app.include_router(module.router)
    app.include_router(agreement.pages)
    app.include_router(agreement.api)
    app.include_router(tune.pages)
    app.include_router(tune.api)
    app.include_router(calibration.pages)
    app.include_router(calibration.api)
    app.include_router(calibration_grid.pages)
    app.include_router(calibration_grid.api)
    app.include_router(coaching.pages)
    app.include_router(coaching.api)
    app.include_router(coaching_items.pages)
    app.include_router(coaching_items.api)
    app.include_router(knowledge.pages)
    app.include_router(knowledge.api)
    app.include_router(scorecards.pages)
    app.include_router(scorecards.api)
    app.include_router(insights.pages)
    app.include_router(reports.pages)
    app.include_router(reports.api)
    app.include_router(insights.api)
    app.include_router(goals.pages)
    app.include_router(goals.api)
    app.include_router(operations.router)
    app.include_router(shift_pages.pages)
    app.include_router(shift_rounds.api)
    app.include_router(shift_entry_pages.pages)
    app.include_router(shift_entries.api)
    app.include_router(skills.pages)
    app.include_router(routing_ids.api)  # before skills.api: /api/routing/ids is not a format
    app.include_router(routing_ids.pages)
    app.include_router(skills.api)
    app.include_router(channels.pages)
    app.include_router(channels.api)
    app.include_router(standards.pages)
    app.include_router(standards.api)
    app.include_router(lifecycle.pages)
    app.include_router(lifecycle.api)
    app.include_router(live.pages)
    app.include_router(live.api)
    app.include_router(external_ids.pages)
    app.include_router(api_external_ids.router)
    app.include_router(saved_searches.api)
    app.include_router(saved_searches.pages)
    app.include_router(training_hub.router)
    app.include_router(scenarios.pages)
    app.include_router(api_scenarios.api)
    app.include_router(training_practice.api)
    app.include_router(training_practice_pages.pages)
    app.include_router(training_classes.pages)
    app.include_router(api_classes.api)
    app.include_router(health.router)
    app.include_router(training_assignments.pages)
    app.include_router(training_assignments.api)
    app.include_router(training_meeting_pack.pages)
    app.include_router(training_meeting_pack.api)
    external_ids.place_before_numeric(app.router.routes)
    _handlers(app)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in or send an API token"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(request.url_for("login_form").include_query_params(next=target), 303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(
            request, "error.html", {"status": exc.status_code, "detail": exc.detail}, exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"detail": errors}, status_code=422)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return render(request, "error.html", {"status": 422, "detail": detail}, 422)
