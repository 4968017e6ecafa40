"""``callqa watch``: a folder or URL watched for new files, each ingested here or enqueued for the workers."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from callqa.cli.context import console, err_console, fail, open_app
from callqa.cli.ingest import print_report
from callqa.core.errors import CallqaError, ErrorCode
from callqa.runtime import Runtime
from callqa.workers.arrival_ingest import ingest_arrival
from callqa.workers.arrivals import Arrival, Watcher, deliver, run


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)


def watch(
    source: Annotated[str, typer.Argument(help="A folder, or an fsspec URL (s3://bucket/incoming).")],
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between looks.")] = 5.0,
    once: Annotated[
        bool, typer.Option(help="Look twice, --stable apart, take what is complete, and exit.")
    ] = False,
    stable: Annotated[
        float, typer.Option(min=0, help="Seconds a file's size and time must stay unchanged.")
    ] = 5.0,
    sidecar_wait: Annotated[
        float, typer.Option(min=0, help="Seconds a recording waits for its sidecar JSON.")
    ] = 30.0,
    enqueue: Annotated[
        bool | None,
        typer.Option(
            "--enqueue/--ingest-here",
            help="Put each arrival on the workers' queue, or ingest it in this process "
            "(default: enqueue when CALLQA_REDIS_URL is set).",
        ),
    ] = None,
    score: Annotated[
        bool,
        typer.Option(help="With --ingest-here, score what each arrival stored (workers score on their own)."),
    ] = True,
) -> None:
    """Watch a folder or URL: each new file (a recording with its sidecar, a transcript) is taken once it
    is complete, recorded, and ingested or enqueued once, also across restarts."""
    with open_app() as ctx:
        to_queue = ctx.settings.redis_url is not None if enqueue is None else enqueue
        if to_queue and ctx.settings.redis_url is None:
            fail(str(CallqaError(ErrorCode.W122, source=source)))
        handler = _enqueuer(ctx) if to_queue else _ingester(ctx, score)
        try:
            watcher = Watcher(source, ctx.factory, stable_s=stable, sidecar_wait_s=sidecar_wait)
            # the first look: a place that cannot be listed fails here, at once; stable files are taken
            count = len(deliver(watcher, handler))
            if once:
                if stable > 0:
                    time.sleep(stable)
                    count += len(deliver(watcher, handler))
            else:
                count += run(watcher, handler, interval, _stop_on_signal())
        except CallqaError as exc:
            fail(str(exc))
    console.print(f"{count} arrivals {'enqueued' if to_queue else 'ingested'}", markup=False)


def _ingester(ctx: Runtime, score: bool) -> Callable[[Arrival], None]:
    def ingest_here(arrival: Arrival) -> None:
        console.print(f"ingesting {arrival.path}", markup=False, soft_wrap=True)
        report = ingest_arrival(ctx, arrival)
        print_report(report)
        if score and report.stored_ids:  # what needs it: an unchanged, scored interaction is left alone
            from callqa.workers.tasks import score_batch

            console.print(f"scoring: {score_batch(ctx, report.stored_ids, None, False)}", markup=False)

    return ingest_here


def _enqueuer(ctx: Runtime) -> Callable[[Arrival], None]:
    def to_workers(arrival: Arrival) -> None:
        # imported here: the workers' Celery app is only needed (and only configured) with a broker.
        # A broker that does not answer raises: the arrival stays due and is enqueued next round.
        from callqa.workers import enqueue  # type: ignore[attr-defined,unused-ignore]

        if arrival.is_remote:  # the worker fetches it (with its sidecar); its key: the URL, size and stamp
            enqueue.enqueue_ingest_uri(ctx, arrival.path, f"{arrival.size}:{arrival.stamp}")
        else:
            report = enqueue.enqueue_ingest(ctx, [Path(arrival.path.removeprefix("file://"))])
            for failure in report.failures:  # a file no worker could read (empty, unknown format)
                err_console.print(str(failure), markup=False, soft_wrap=True)
        console.print(f"enqueued {arrival.path}", markup=False, soft_wrap=True)

    return to_workers


def _stop_on_signal() -> threading.Event:
    """An event set by SIGTERM or Ctrl-C, so a round in progress finishes before the command exits."""
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop
