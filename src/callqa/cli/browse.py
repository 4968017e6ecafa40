"""``callqa list``, ``show`` and ``stats``: browsing what is stored."""

from __future__ import annotations

import json
import os
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from callqa.cli.context import console, fail, is_terminal, open_app
from callqa.cli.evaluation_view import analysis_lines, evaluation_table, evidence_highlights
from callqa.cli.list_view import list_table
from callqa.cli.recording_view import recording_lines
from callqa.cli.render import interaction_view
from callqa.core.document import Channel
from callqa.core.errors import CallqaError
from callqa.core.query import InteractionQuery
from callqa.ingest.timecodes import parse_datetime
from callqa.interactions.queries import count_interactions, find_interaction_id, get_interaction
from callqa.scoring.queries import analysis_for, evaluations_for
from callqa.views.listing import listed_interactions
from callqa.views.stats import interaction_stats


class ListFormat(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"


class ShowFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
    app.command("show")(show)
    app.command("stats")(stats)


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except CallqaError as exc:
        fail(f"{option}: {exc}")


def list_command(
    channel: Annotated[Channel | None, typer.Option(help="voice, chat, email or social.")] = None,
    language: Annotated[
        str | None, typer.Option(help="Language tag; 'zh' matches zh-Hans and zh-Hant.")
    ] = None,
    agent: Annotated[str | None, typer.Option()] = None,
    team: Annotated[str | None, typer.Option()] = None,
    queue: Annotated[str | None, typer.Option()] = None,
    source: Annotated[str | None, typer.Option()] = None,
    since: Annotated[str | None, typer.Option(help="Started at or after (ISO date/time).")] = None,
    until: Annotated[str | None, typer.Option(help="Started before (ISO date/time).")] = None,
    surveyed: Annotated[
        bool | None, typer.Option("--surveyed/--not-surveyed", help="With or without CSAT/NPS.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many (table default 50, jsonl default all).")
    ] = None,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or jsonl.")] = ListFormat.TABLE,
) -> None:
    """List stored interactions, newest first, with the AI's score and the final (official) one; the
    table shows the columns that fit the terminal."""
    flt = InteractionQuery(
        channel=channel.value if channel else None,
        language=language,
        agent=agent,
        team=team,
        queue=queue,
        source=source,
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        has_survey=surveyed,
    )
    with open_app() as ctx, ctx.factory() as session:
        if fmt is ListFormat.JSONL:
            page, start = 1000, offset
            remaining = limit
            while remaining is None or remaining > 0:
                size = page if remaining is None else min(page, remaining)
                rows = listed_interactions(session, flt, limit=size, offset=start)
                for row in rows:
                    console.file.write(json.dumps(row.as_json(), ensure_ascii=False) + "\n")
                if len(rows) < size:
                    break
                start += len(rows)
                remaining = None if remaining is None else remaining - len(rows)
            return
        shown = 50 if limit is None else limit
        rows = listed_interactions(session, flt, limit=shown or None, offset=offset)
        total = count_interactions(session, flt)
    table = list_table(rows, console.width)
    console.print(table)
    console.print(
        f"{len(rows)} of {total} interactions" + (" (use --limit 0 for all)" if len(rows) < total else "")
    )


def show(
    ident: Annotated[str, typer.Argument(help="Interaction id, external id, or source:external_id.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.TEXT,
    bidi: Annotated[
        bool | None,
        typer.Option(
            "--bidi/--no-bidi",
            help="Reorder right-to-left text for the "
            "terminal (default: on for terminals without bidi support).",
        ),
    ] = None,
) -> None:
    """Show one interaction: details, transcript, survey, and its evaluation with the evidence highlighted."""
    with open_app() as ctx, ctx.factory() as session:
        try:
            stored = get_interaction(session, find_interaction_id(session, ident))
        except CallqaError as exc:
            fail(str(exc), code=1)
        # JSON lists the history too (older evaluations with is_current false), as docs/scorecards.md says.
        evaluations = evaluations_for(session, stored.id, current_only=fmt is ShowFormat.TEXT)
        analysis = analysis_for(session, stored.id) or {}
    if fmt is ShowFormat.JSON:
        payload: dict[str, Any] = {"id": stored.id, **stored.doc.model_dump(mode="json")}
        payload["redactions"] = [
            dict(zip(("field", "kind", "start", "end"), r, strict=True)) for r in stored.redactions
        ]
        payload["evaluations"] = [
            {**{k: v for k, v in e.__dict__.items() if k != "criteria"}, "criteria": list(e.criteria)}
            for e in evaluations
        ]
        payload["analysis"] = analysis
        console.file.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if bidi is None:
        bidi = is_terminal() and os.environ.get("CALLQA_TERMINAL_BIDI", "") not in ("1", "true")
    extra: list[RenderableType] = []
    highlights = evidence_highlights(evaluations[0]) if evaluations else None
    for evaluation in evaluations:
        extra += [Text(""), evaluation_table(evaluation)]
    lines = analysis_lines(analysis)
    if lines:
        extra += [Text(""), *lines]
    heard = recording_lines(stored.doc.recording)
    if heard:
        extra += [Text(""), *heard]
    console.print(interaction_view(stored, bidi=bidi, highlights=highlights, extra=extra))


def stats(
    fmt: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.TEXT,
) -> None:
    """Totals: interactions by channel, language, team, queue and source; the last ingest run."""
    with open_app() as ctx, ctx.factory() as session:
        result = interaction_stats(session)
    if fmt is ShowFormat.JSON:
        console.file.write(json.dumps(result.__dict__, default=str, ensure_ascii=False, indent=2) + "\n")
        return
    console.print(
        f"[bold]{result.interactions}[/bold] interactions, {result.turns} turns, {result.agents} agents"
    )
    if result.first_started and result.last_started:
        console.print(f"from {result.first_started:%Y-%m-%d} to {result.last_started:%Y-%m-%d}")
    if result.with_survey:
        share = (
            f", mean CSAT {result.mean_csat_share:.0%} of scale" if result.mean_csat_share is not None else ""
        )
        console.print(f"{result.with_survey} with a survey{share}")
    grid = Table(box=None, show_header=True, header_style="bold")
    groups = {
        "channel": result.by_channel,
        "language": result.by_language,
        "team": result.by_team,
        "queue": result.by_queue,
        "source": result.by_source,
    }
    for name in groups:
        grid.add_column(name)
    height = max((len(g) for g in groups.values()), default=0)
    cells = {name: [f"{k} {v}" for k, v in g.items()] for name, g in groups.items()}
    for i in range(height):
        grid.add_row(*(cells[name][i] if i < len(cells[name]) else "" for name in groups))
    console.print(grid)
    if result.redactions:
        console.print("redacted: " + ", ".join(f"{n} {k}" for k, n in sorted(result.redactions.items())))
    if result.last_run:
        run = result.last_run
        console.print(
            f"last ingest #{run['id']} ({run['status']}): {run['files']} files, {run['created']} created, "
            f"{run['updated']} updated, {run['unchanged']} unchanged, {run['failed']} failed"
        )
        for line in result.last_run_failures[:20]:
            console.print(f"  {line}", markup=False)
