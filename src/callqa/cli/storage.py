"""``callqa storage``: the file store's encryption keys, which key each blob is under, key rotation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from callqa.cli.context import cli_audit, console, err_console, fail, open_app
from callqa.core.errors import CallqaError, ErrorCode
from callqa.storage.keys import KEY_ID, new_key
from callqa.storage.rotation import CLEAR, RotationReport, rotate_keys, store_status

app = typer.Typer(
    help="The file store of recordings: encryption keys, which key each blob is under, key rotation.",
    no_args_is_help=True,
)


@app.command("new-key")
def new_key_command(
    key_id: Annotated[str | None, typer.Argument(help="The key's id (default: key-YYYYMMDD).")] = None,
) -> None:
    """Print a new random key as id:base64, for CALLQA_STORAGE_KEYS or the key file (and your backup)."""
    name = key_id or f"key-{datetime.now(UTC):%Y%m%d}"
    if not KEY_ID.fullmatch(name):
        fail(str(CallqaError(ErrorCode.F101, source=name, reason="ids are letters, digits, '.', '_', '-'")))
    typer.echo(f"{name}:{new_key()}")


@app.command("status")
def status() -> None:
    """How many blobs are under each key id (reads only their headers); exit 1 when some cannot be read."""
    with open_app() as ctx:
        found = store_status(ctx.files)
    table = Table("key id", "blobs", "")
    for key_id, count in sorted(found.blobs.items()):
        note = (
            "stored in clear"
            if key_id == CLEAR
            else "active"
            if key_id == found.active
            else "configured"
            if key_id in found.configured
            else "NOT CONFIGURED: these blobs cannot be read"
        )
        table.add_row(escape(key_id), str(count), note)
    console.print(table)
    console.print(f"active key: {found.active or 'none (new blobs are stored in clear)'}", markup=False)
    unused = sorted(set(found.configured) - set(found.blobs) - {found.active or ""})
    if unused:
        console.print(f"configured keys no blob uses (safe to remove): {', '.join(unused)}", markup=False)
    for uri, why in found.unreadable:
        err_console.print(f"{uri}: {why}", markup=False)
    raise typer.Exit(1 if found.unreadable or found.missing_keys else 0)


@app.command("rotate-key")
def rotate_key(
    dry_run: Annotated[bool, typer.Option(help="Only count what would be re-encrypted.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Re-encrypt every blob not under the active key (blobs stored in clear too), one at a time, each
    replaced atomically; safe to stop and run again. Exit 1 when some blobs could not be read."""
    with open_app() as ctx:
        bar = Progress(
            TextColumn("re-encrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
            disable=not progress,
        )
        task = bar.add_task("rotate", total=None)
        try:
            with bar:
                report = rotate_keys(
                    ctx.files,
                    dry_run=dry_run,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        except CallqaError as exc:
            fail(str(exc))
        if not dry_run:
            cli_audit(ctx, "rotate_key", "file_store", None, _audit_detail(report))
    _print(report)
    raise typer.Exit(130 if report.interrupted else 1 if report.failed else 0)


def _audit_detail(report: RotationReport) -> dict[str, object]:
    return {
        "to_key": report.active,
        "rewritten": dict(sorted(report.rewritten.items())),
        "current": report.current,
        "failed": len(report.failed),
        "interrupted": report.interrupted,
    }


def _print(report: RotationReport) -> None:
    verb = "would re-encrypt" if report.dry_run else "re-encrypted"
    moved = sum(report.rewritten.values())
    by_key = ", ".join(f"{n} from {k}" for k, n in sorted(report.rewritten.items()))
    console.print(
        f"{report.examined} blobs: {verb} {moved} with key {report.active}"
        + (f" ({by_key})" if by_key else "")
        + f", {report.current} already under it, {len(report.failed)} failed",
        markup=False,
        soft_wrap=True,
    )
    if report.leftovers:
        console.print(f"removed {report.leftovers} temporary files of an interrupted run", markup=False)
    for uri, why in report.failed:
        err_console.print(f"{uri}: {why}", markup=False)
    if report.interrupted:
        err_console.print("interrupted: run `callqa storage rotate-key` again to finish", markup=False)
