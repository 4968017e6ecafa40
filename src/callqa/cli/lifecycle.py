"""``callqa erase``, ``callqa hold`` and ``callqa retention``: erasure on request, legal holds, retention."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import console, err_console, fail, open_app, operator
from callqa.core.errors import CallqaError
from callqa.db.engine import unit_of_work
from callqa.lifecycle.erasure import erase_customer, settle
from callqa.lifecycle.holds import Actor, HoldScope, active_holds, add_hold, release_hold
from callqa.lifecycle.retention import run_retention
from callqa.storage.files import FileStore

hold_app = typer.Typer(
    help="Legal holds: data that retention and erasure may not remove.", no_args_is_help=True
)
retention_app = typer.Typer(
    help="Retention: remove data older than the configured policies.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.command()(erase)
    app.add_typer(hold_app, name="hold")
    app.add_typer(retention_app, name="retention")


def _actor() -> Actor:
    return Actor(operator(), None, "cli")


def erase(
    customer: Annotated[str, typer.Option("--customer", help="The customer's phone, e-mail or customer id.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be removed; change nothing.")
    ] = False,
) -> None:
    """Erase a customer (GDPR Art. 17): every interaction of theirs with everything derived from it, their
    recordings and the export files holding them; an erasure certificate goes to the audit log."""
    with open_app() as ctx:
        store = FileStore(ctx.settings.resolved_file_store())
        try:
            with unit_of_work(ctx.factory) as session:
                erasure = erase_customer(session, store, customer, _actor(), dry_run=dry_run)
        except CallqaError as exc:
            fail(str(exc))
        if not dry_run and not settle(ctx.engine):
            err_console.print("the database's write-ahead log is in use: it empties at its next checkpoint")
    certificate = erasure.certificate()
    verb = "would remove" if dry_run else "removed"
    console.print(
        f"customer {erasure.customer_key[:12]}: {verb} {erasure.interactions} interaction(s), "
        f"{erasure.purge.files} file(s), {len(erasure.export_files)} export file(s)",
        markup=False,
        soft_wrap=True,
    )
    console.print(json.dumps(certificate, indent=2), markup=False, soft_wrap=True)


@hold_app.command("add")
def hold_add(
    reason: Annotated[str, typer.Option(help="Why the data must be kept (a case number, a request).")],
    interaction: Annotated[int | None, typer.Option(help="Hold one interaction (its id).")] = None,
    customer: Annotated[
        str | None, typer.Option(help="Hold a customer (phone, e-mail or customer id).")
    ] = None,
    agent: Annotated[str | None, typer.Option(help="Hold an agent's interactions (as stored).")] = None,
) -> None:
    """Put a legal hold on an interaction, a customer or an agent (exactly one)."""
    chosen = [
        (scope, value)
        for scope, value in (
            (HoldScope.INTERACTION, None if interaction is None else str(interaction)),
            (HoldScope.CUSTOMER, customer),
            (HoldScope.AGENT, agent),
        )
        if value is not None
    ]
    if len(chosen) != 1:
        fail("give exactly one of --interaction, --customer, --agent")
    scope, value = chosen[0]
    with open_app() as ctx:
        try:
            with unit_of_work(ctx.factory) as session:
                hold = add_hold(session, scope, value, reason, _actor())
        except CallqaError as exc:
            fail(str(exc))
    console.print(f"hold {hold.id}: {hold.scope} {hold.target}", markup=False)


@hold_app.command("remove")
def hold_remove(hold_id: Annotated[int, typer.Argument(help="The hold's id (callqa hold list).")]) -> None:
    """Release a legal hold: retention and erasure apply again."""
    with open_app() as ctx:
        try:
            with unit_of_work(ctx.factory) as session:
                hold = release_hold(session, hold_id, _actor())
        except CallqaError as exc:
            fail(str(exc))
    console.print(f"hold {hold.id} released", markup=False)


@hold_app.command("list")
def hold_list() -> None:
    """The active legal holds."""
    with open_app() as ctx, ctx.factory() as session:
        holds = active_holds(session)
    table = Table("id", "scope", "target", "reason", "by", "since")
    for hold in holds:
        table.add_row(
            str(hold.id), hold.scope, hold.target, hold.reason, hold.created_by, f"{hold.created_at:%Y-%m-%d}"
        )
    console.print(table)


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would go; change nothing.")] = False,
) -> None:
    """Apply the retention policies of the configuration file now (the server does it on a schedule)."""
    with open_app() as ctx:
        store = FileStore(ctx.settings.resolved_file_store())
        try:
            report = run_retention(ctx.factory, store, ctx.config.retention, _actor(), dry_run=dry_run)
        except CallqaError as exc:
            fail(str(exc))
    table = Table("kind", "rule", "items", "rows", "files")
    for item in report.items:
        table.add_row(item.kind, item.rule, str(item.items), str(item.rows), str(item.files))
    console.print(table)
    console.print(("would remove " if dry_run else "removed ") + f"{report.total} item(s)", markup=False)
