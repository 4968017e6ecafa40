"""``callqa routing ids list|set|delete|import``: the ids callqa's agents, queues and contact reasons have in
routing systems (Amazon Connect, Genesys Cloud), which the routing exports fill in. Every change is
audited."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import cli_audit, console, err_console, fail, open_app
from callqa.core.errors import CallqaError
from callqa.skills import routing_ids_service as ids_service
from callqa.skills.routing_ids import SYSTEMS
from callqa.skills.routing_ids_check import unknown_names

ids_app = typer.Typer(
    help="Routing-system ids: each agent's user id, each queue's id, each contact reason's skill name "
    f"in a routing system ({', '.join(sorted(SYSTEMS))}).",
    no_args_is_help=True,
)

System = Annotated[str, typer.Argument(help=f"The routing system: {', '.join(sorted(SYSTEMS))}.")]
Kind = Annotated[str, typer.Argument(help="user (an agent), queue or reason (a contact reason id).")]
Name = Annotated[str, typer.Argument(help="The agent, queue or contact reason as callqa names it.")]


@ids_app.command("list")
def list_command(
    system: Annotated[str | None, typer.Option(help="Only this routing system.")] = None,
) -> None:
    """The stored ids, by system, kind and callqa name."""
    with open_app() as ctx, ctx.factory() as session:
        try:
            found = ids_service.list_ids(session, system=system)
        except CallqaError as exc:
            fail(str(exc))
    table = Table("system", "kind", "callqa name", "external id")
    for i in found:
        table.add_row(i.system, i.kind, i.callqa_name, i.external_id)
    console.print(table)


@ids_app.command("set")
def set_command(
    system: System,
    kind: Kind,
    name: Name,
    external_id: Annotated[
        str,
        typer.Argument(
            help="The id in the routing system (Connect: UUID or ARN, or a ContactReason attribute value; "
            "Genesys: UUID or skill name)."
        ),
    ],
) -> None:
    """Store (or replace) one callqa name's id in a routing system (a warning when callqa knows no such
    agent, queue or contact reason: stored all the same)."""
    with open_app() as ctx:
        try:
            with ctx.factory.begin() as session:
                stored = ids_service.set_id(session, system, kind, name, external_id)
                warnings = unknown_names(session, [stored])
        except CallqaError as exc:
            fail(str(exc))
        cli_audit(ctx, "set", "routing_id", None, stored.__dict__)
    err_console.print(
        f"{stored.system} {stored.kind} '{stored.callqa_name}' → {stored.external_id}", markup=False
    )
    for warning in warnings:
        err_console.print(f"warning: {warning}", markup=False)


@ids_app.command("delete")
def delete_command(system: System, kind: Kind, name: Name) -> None:
    """Remove one stored id."""
    with open_app() as ctx:
        try:
            with ctx.factory.begin() as session:
                gone = ids_service.delete_id(session, system, kind, name)
        except CallqaError as exc:
            fail(str(exc))
        cli_audit(ctx, "delete", "routing_id", None, gone.__dict__)
    err_console.print(f"deleted {gone.system} {gone.kind} '{gone.callqa_name}'", markup=False)


@ids_app.command("import")
def import_command(
    csv: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV: system, kind, callqa_name, external_id.")
    ],
) -> None:
    """Load ids from a CSV file: the good rows are stored, each bad row is reported (exit code 1 when any)."""
    with open_app() as ctx:
        try:
            with ctx.factory.begin() as session:
                report = ids_service.import_csv(session, csv.read_bytes(), csv.name)
        except CallqaError as exc:
            fail(str(exc))
        cli_audit(ctx, "import", "routing_id", None, report.as_json())
    for error in report.errors:
        err_console.print(error, markup=False)
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", markup=False)
    err_console.print(
        f"{report.loaded} ids loaded from {csv}, {len(report.errors)} rows refused", markup=False
    )
    if report.errors:
        raise typer.Exit(1)
