"""``callqa export``: evaluated interactions as JSON Lines or CSV (docs/export.md)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from callqa.cli.context import cli_audit, err_console, fail, open_app
from callqa.core.query import InteractionQuery
from callqa.scoring.export import write_csv as write_csv_records
from callqa.scoring.export import write_jsonl
from callqa.scoring.queries import export_records
from callqa.views.tables import batches, write_csv, write_parquet


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


class Table(StrEnum):
    INTERACTIONS = "interactions"
    EVALUATIONS = "evaluations"
    CRITERION_RESULTS = "criterion_results"


def register(app: typer.Typer) -> None:
    app.command()(export)


def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="jsonl (nested), csv (flat) or parquet (--table only).")
    ] = ExportFormat.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    table: Annotated[
        Table | None,
        typer.Option(
            "--table", help="A flat table for BI tools instead of one nested record per interaction."
        ),
    ] = None,
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", help="Only this scorecard's evaluations.")
    ] = None,
    agent: Annotated[str | None, typer.Option(help="Only this agent.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    since: Annotated[str | None, typer.Option(help="Started on or after (YYYY-MM-DD or ISO time).")] = None,
    until: Annotated[str | None, typer.Option(help="Started before (YYYY-MM-DD or ISO time).")] = None,
    history: Annotated[bool, typer.Option(help="--table: every evaluation, not only current ones.")] = False,
) -> None:
    """One record per evaluated interaction (score, criteria with evidence, sentiment, moments, metrics), or
    with --table the interactions, evaluations or criterion results as a flat CSV or Parquet table."""
    query = InteractionQuery(
        agent=agent,
        team=team,
        since=_moment("--since", since),
        until=_moment("--until", until),
        scorecard=scorecard,
        history=history,
    )
    if table is None:
        if fmt is ExportFormat.PARQUET:
            fail("--format parquet needs --table (interactions, evaluations or criterion_results)")
        _records(fmt, output, query)
        return
    if fmt is ExportFormat.JSONL:
        fmt = ExportFormat.CSV
    if fmt is ExportFormat.PARQUET and output is None:
        fail("--format parquet needs --output FILE (it is binary)")
    with open_app() as ctx, ctx.factory() as session:
        chosen = query.but(scorecard=scorecard or ctx.settings.insights_scorecard)
        rows = batches(session, table.value, chosen)
        if fmt is ExportFormat.PARQUET:
            assert output is not None
            count = write_parquet(rows, table.value, str(output))
        else:
            target = output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
            with target as out:
                count = write_csv(rows, table.value, out)
        detail = {"format": fmt.value, "rows": count, "to": str(output or "stdout")}
        cli_audit(ctx, "export", table.value, None, detail)
    err_console.print(f"{count} {table.value} rows exported", markup=False)


def _moment(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{name}: '{value}' is not a date (YYYY-MM-DD) or an ISO time")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _records(fmt: ExportFormat, output: Path | None, query: InteractionQuery) -> None:
    with open_app() as ctx, ctx.factory() as session:
        target = output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
        with target as out:
            stream: TextIO = out
            records = export_records(session, query)
            count = (
                write_jsonl(records, stream)
                if fmt is ExportFormat.JSONL
                else write_csv_records(records, stream)
            )
        cli_audit(
            ctx,
            "export",
            "interactions",
            None,
            {"format": fmt.value, "rows": count, "to": str(output or "stdout")},
        )
    err_console.print(f"{count} records exported", markup=False)
