"""``callqa serve``: the web app and REST API."""

from __future__ import annotations

import gc
import os
from typing import Annotated

import typer

from callqa.cli.context import console, fail
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.runtime import Runtime


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
    """Build the app (migrating the database) and serve it until interrupted or terminated; the app's
    lifespan stops its background work (and any live model process) on the way out."""
    # Imported here, not at the top: the web stack doubles the start-up time of every other command.
    import uvicorn

    from callqa.web.app import create_app
    from callqa.web.background import start_jobs

    try:
        runtime = Runtime.open(settings)
    except CallqaError as exc:
        fail(str(exc))
    console.print(f"[bold]callqa[/bold] serving {settings.resolved_database_url()} at http://{host}:{port}/")
    tune_collector()
    if workers == 1:
        uvicorn.run(create_app(runtime=runtime), host=host, port=port, log_level="info")
        return
    # Several worker processes each import callqa.web.asgi:app; the periodic jobs run once, here.
    jobs = start_jobs(runtime) if settings.background_jobs else []
    os.environ["CALLQA_BACKGROUND_JOBS"] = "false"
    try:
        uvicorn.run("callqa.web.asgi:app", host=host, port=port, workers=workers, log_level="info")
    finally:
        for job in jobs:
            job.stop()
        runtime.close()
