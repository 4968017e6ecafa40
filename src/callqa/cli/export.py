"""``callqa export``: evaluated interactions as JSON Lines or CSV (docs/export.md)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from callqa.cli.context import err_console, open_app
from callqa.interactions.queries import InteractionFilter
from callqa.scoring.export import write_csv, write_jsonl
from callqa.scoring.queries import export_records


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    app.command()(export)


def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="jsonl (nested) or csv (flat).")
    ] = ExportFormat.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", help="Only this scorecard's evaluations.")
    ] = None,
    agent: Annotated[str | None, typer.Option(help="Only this agent.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
) -> None:
    """One record per evaluated interaction: score, criteria with evidence, sentiment, moments, metrics."""
    flt = InteractionFilter(agent=agent, team=team)
    with open_app() as ctx, ctx.factory() as session:
        target = output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
        with target as out:
            stream: TextIO = out
            records = export_records(session, flt, scorecard=scorecard)
            count = write_jsonl(records, stream) if fmt is ExportFormat.JSONL else write_csv(records, stream)
    err_console.print(f"{count} records exported", markup=False)
