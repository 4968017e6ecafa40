"""``callqa serve``: the web app and REST API."""

from __future__ import annotations

import gc
from typing import Annotated

import typer

from callqa.cli.context import console, fail
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.insights.refresh import InsightConfig, start_refresher
from callqa.reports.build import ReportSettings
from callqa.reports.mail import SmtpSettings
from callqa.reports.schedules import start_sender


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app and the REST API (OpenAPI at /api/docs)."""
    run_server(Settings(), host=host, port=port, workers=workers)


def tune_collector() -> None:
    """Fewer, smaller garbage collections for a server whose live calls hold many objects: young objects
    are collected less often, full collections rarely (the live service also moves long-lived objects out
    of their scans); a full scan of a busy heap would stall every socket for 100+ ms."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 1_000)


def run_server(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Build the app (migrating the database) and serve it until interrupted."""
    import uvicorn

    from callqa.web.app import create_app

    try:
        app = create_app(settings)
    except CallqaError as exc:
        fail(str(exc))
    start_refresher(app.state.factory, InsightConfig.from_settings(settings), settings.insights_refresh_s)
    start_sender(
        app.state.factory, ReportSettings.from_settings(settings), SmtpSettings.from_settings(settings)
    )
    console.print(f"[bold]callqa[/bold] serving {settings.resolved_database_url()} at http://{host}:{port}/")
    tune_collector()
    if workers > 1:
        uvicorn.run("callqa.web.asgi:app", host=host, port=port, workers=workers, log_level="info")
    else:
        uvicorn.run(app, host=host, port=port, log_level="info")
