"""``callqa ingest``: files and folders in, one line per failure out, exit 1 when anything failed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from callqa.cli.context import console, err_console, fail, open_app
from callqa.cli.worker import enqueue_ingest_paths
from callqa.core.errors import CallqaError
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import IngestReport, ingest_paths
from callqa.ingest.runner import Progress as IngestProgress
from callqa.ingest.runs import recent_runs
from callqa.interactions.convert import as_utc
from callqa.interactions.service import Outcome
from callqa.runtime import Runtime


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("ingest-runs")(ingest_runs)
    app.command("formats")(formats)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Input format, or auto to detect per file.")
    ] = "auto",
    source: Annotated[
        str | None, typer.Option(help="Source name for every item (overrides the format's).")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="callqa YAML config (ingest section).")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Processes transcribing recordings at once.")
    ] = 1,
    enqueue: Annotated[
        bool,
        typer.Option(
            "--enqueue", help="Put one task per file on the broker for `callqa worker` instead (PostgreSQL)."
        ),
    ] = False,
) -> None:
    """Import interactions. Re-importing updates them; an unchanged file changes nothing.

    Call recordings are transcribed offline; their original files are deleted once stored unless
    ingest.audio.keep_original is set (only the redacted copy is kept). An interrupted run can simply be
    started again: what was stored is recognised and skipped.
    """
    if enqueue:
        enqueue_ingest_paths(paths, None if fmt == "auto" else fmt, config)
    with open_app(config) as ctx:
        report = run_ingest(ctx, paths, None if fmt == "auto" else fmt, source, progress, workers)
    print_report(report)
    raise typer.Exit(0 if report.ok else 1)


def run_ingest(
    ctx: Runtime, paths: list[Path], fmt: str | None, source: str | None, show: bool, workers: int = 1
) -> IngestReport:
    """Run the library ingest with a progress bar on stderr."""
    config = ctx.config.ingest
    if source:
        config = config.model_copy(update={"source": source})
    registry = default_registry(ctx.settings)
    bar = Progress(
        TextColumn("ingest"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[items]} items"),
        TextColumn("{task.fields[failed]} failed"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not show,
    )
    with bar:
        task = bar.add_task("ingest", total=None, items=0, failed=0)

        def on_progress(p: IngestProgress) -> None:
            bar.update(task, total=p.bytes_total, completed=p.bytes_done, items=p.items, failed=p.failed)

        try:
            return ingest_paths(
                paths,
                factory=ctx.factory,
                registry=registry,
                config=config,
                fmt=fmt,
                progress=on_progress,
                workers=workers,
            )
        except CallqaError as exc:
            fail(str(exc))


def print_report(report: IngestReport) -> None:
    for skipped in report.skipped:
        err_console.print(str(skipped), markup=False, soft_wrap=True)
    for failure in report.failures:
        err_console.print(str(failure), markup=False, soft_wrap=True)
    counts = report.counts
    summary = (
        f"{report.files} files: {counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
        f"{counts[Outcome.UNCHANGED]} unchanged, {counts[Outcome.PENDING]} metadata pending, "
        f"{len(report.failures)} failed"
    )
    if report.skipped:
        summary += f", {len(report.skipped)} skipped"
    console.print(summary, markup=False, soft_wrap=True)


def ingest_runs(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many runs, newest first.")] = 20,
) -> None:
    """The history of ingest runs: when, what, their counts and whether each finished or was interrupted.

    A run whose process is gone without finishing (killed, crashed) shows as interrupted; what it stored
    stays stored, and running the same ingest again completes it.
    """
    with open_app() as ctx, ctx.factory.begin() as session:
        runs = recent_runs(session, limit)
        lines = [
            f"#{run.id} {as_utc(run.started_at):%Y-%m-%d %H:%M:%S} {run.status:11} {run.files} files: "
            f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.pending} pending, {run.failed} failed, {run.skipped} skipped  {' '.join(run.paths)}"
            for run in runs
        ]
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)


def formats() -> None:
    """List the input formats callqa reads."""
    for name, fmt in sorted(default_registry().formats.items()):
        console.print(f"{name:16} {fmt.summary}", markup=False)
