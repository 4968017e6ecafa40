"""``callqa live``: check a live rules file; replay stored calls into a running live server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from callqa.cli.context import console, fail, open_app
from callqa.core.errors import CallqaError
from callqa.interactions.queries import find_interaction_id, get_interaction
from callqa.live.replay import stream_calls
from callqa.live.rules import load_rules

app = typer.Typer(
    help="Live monitoring: rules files and replaying calls into a running server.", no_args_is_help=True
)


@app.command("validate")
def validate(path: Annotated[Path, typer.Argument(help="A live rules YAML file.")]) -> None:
    """Check a live rules file (phrases, borrowed scorecard criteria, moment kinds, conditions)."""
    try:
        rules = load_rules(str(path))
    except CallqaError as exc:
        fail(str(exc), code=1)
    console.print(f"{path}: {len(rules.rules)} rules, {len(rules.checklist)} checklist items — valid")


@app.command("replay")
def replay(
    external_ids: Annotated[list[str], typer.Argument(help="Stored interactions to replay (external ids).")],
    token: Annotated[str, typer.Option(envvar="CALLQA_TOKEN", help="An admin's API token.")],
    url: Annotated[
        str, typer.Option(help="The server's live ingest socket.")
    ] = "ws://127.0.0.1:8000/api/live/ingest",
    speed: Annotated[float, typer.Option(help="How many times faster than real time.")] = 1.0,
    prefix: Annotated[
        str, typer.Option(help="Put before each external id to make the live call id.")
    ] = "replay-",
) -> None:
    """Replay stored calls into a running server as if they were happening now (demos, rule tuning)."""

    with open_app() as ctx, ctx.factory() as session:
        try:
            docs = [get_interaction(session, find_interaction_id(session, e)).doc for e in external_ids]
        except CallqaError as exc:
            fail(str(exc))
    try:
        report = asyncio.run(stream_calls(url, token, docs, speed=speed, prefix=prefix))
    except OSError as exc:
        fail(f"cannot reach {url}: {exc}")
    console.print(f"replayed {report.calls} calls, {report.messages} messages")
    for error in report.errors:
        console.print(f"[red]{error}[/red]")
    if report.errors:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="live")
