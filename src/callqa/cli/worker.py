"""``callqa worker`` and the ``--enqueue`` paths of ingest and score: thin wrappers over callqa.workers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callqa.cli.context import console, err_console, fail
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings
from callqa.runtime import Runtime
from callqa.workers.queues import KNOWN_QUEUES, QUEUES

if TYPE_CHECKING:
    from callqa.workers.enqueue import EnqueueReport

# callqa.workers.app and .enqueue import Celery (a third of a second): only the commands that use them do.


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    queues: Annotated[
        str,
        typer.Option(
            "--queues", "-Q", help="Queues to take tasks from (live: chunks of live audio, never by default)."
        ),
    ] = ",".join(QUEUES),
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", "-c", min=0, max=64, help="Processes running tasks (0: one per core)."),
    ] = 0,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")] = "info",
) -> None:
    """Run a worker: take ingest, score and refresh tasks from the broker (CALLQA_REDIS_URL) and store the
    results in PostgreSQL (CALLQA_DATABASE_URL). Start as many as the machines allow; stop with Ctrl-C."""
    from callqa.workers.app import make_app, worker_name
    from callqa.workers.status import start_heartbeat

    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(chosen) - set(KNOWN_QUEUES))
    settings = Settings()
    try:
        if unknown or not chosen:
            raise CallqaError(
                ErrorCode.W114, queues=", ".join(unknown) or "(none)", known=", ".join(KNOWN_QUEUES)
            )
        app = make_app(settings)
        # Migrate once here, before the task processes fork (they open the database without migrating).
        Runtime.open(settings).close()
    except CallqaError as exc:
        fail(str(exc))
    hostname = worker_name()
    argv = [
        "worker",
        f"--queues={','.join(chosen)}",
        f"--concurrency={concurrency or os.cpu_count() or 1}",
        f"--hostname={hostname}",
        "--pool=prefork",
        f"--loglevel={log_level.upper()}",
        "--without-gossip",
        "--without-mingle",
    ]
    stop_heartbeat = start_heartbeat(str(settings.redis_url), hostname, chosen)  # /api/health, /metrics
    try:
        app.worker_main(argv)
    finally:
        stop_heartbeat()


def enqueue_ingest_paths(paths: list[Path], fmt: str | None, config: Path | None) -> None:
    """``callqa ingest --enqueue``: one task per file; exit 1 when a file could not even be listed."""
    from callqa.workers.enqueue import enqueue_ingest

    with _runtime(config) as runtime:
        report = _run(lambda: enqueue_ingest(runtime, paths, fmt=fmt, progress=_progress))
    for skipped in report.skipped:
        err_console.print(str(skipped), markup=False, soft_wrap=True)
    for failure in report.failures:
        err_console.print(str(failure), markup=False, soft_wrap=True)
    _summary(report, "files")
    raise typer.Exit(0 if report.ok else 1)


def enqueue_score(scorecard: str | None, rescore: bool, config: Path | None) -> None:
    """``callqa score --enqueue``: one task per batch of interactions that need scoring."""
    from callqa.workers.enqueue import enqueue_scoring

    with _runtime(config) as runtime:
        report = _run(
            lambda: enqueue_scoring(runtime, scorecard=scorecard, rescore=rescore, progress=_progress)
        )
    _summary(report, "interactions")
    raise typer.Exit(0)


def _runtime(config: Path | None) -> Runtime:
    from callqa.workers.app import make_app

    settings = Settings(config_file=config) if config is not None else Settings()
    try:
        make_app(settings)  # W110/W111 before anything is opened
        return Runtime.open(settings)
    except CallqaError as exc:
        fail(str(exc))


def _run(work: Callable[[], EnqueueReport]) -> EnqueueReport:
    try:
        return work()
    except CallqaError as exc:
        fail(str(exc))


_SHOWN: list[float] = [0.0]  # when the last progress line was printed
PROGRESS_EVERY_S = 5.0


def _progress(report: EnqueueReport, in_flight: int) -> None:
    """While waiting at the ceiling: a line every few seconds (the drip feed is slow by design)."""
    now = time.monotonic()
    if now - _SHOWN[0] < PROGRESS_EVERY_S:
        return
    _SHOWN[0] = now
    err_console.print(
        f"waiting: {in_flight} tasks in flight (ceiling reached); {report.tasks} enqueued so far",
        markup=False,
        soft_wrap=True,
    )


def _summary(report: EnqueueReport, what: str) -> None:
    line = f"enqueued {report.tasks} tasks on queue {report.queue} ({report.items} {what})"
    if report.waited_s >= 1:
        line += f"; waited {report.waited_s:.0f} s for the workers"
    console.print(line, markup=False, soft_wrap=True)
