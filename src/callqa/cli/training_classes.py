"""``callqa classes``: recording-analysis classes from the command line (list, create, add an interaction,
show); thin wrappers over ``callqa.training.classes``, each change audited by the library."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import console, fail, open_app, operator
from callqa.core.errors import CallqaError
from callqa.interactions.models import InteractionRow
from callqa.training import classes
from callqa.users.schemas import Actor, UserRole

app = typer.Typer(
    help="Recording-analysis classes: a playlist of interactions to discuss with a team.",
    no_args_is_help=True,
)
ClassId = Annotated[int, typer.Argument(min=1, help="the class's id (callqa classes list shows them)")]


def _operator() -> Actor:
    """The command line runs classes as an admin does (it is no stored user: ``created_by`` stays empty)."""
    return Actor(user_id=0, username=operator(), display_name=operator(), role=UserRole.ADMIN)


@app.command("list")
def list_command() -> None:
    """Every class, newest first: id, state, team, when, title, items."""
    with open_app() as ctx, ctx.factory() as session:
        table = Table("id", "state", "team", "scheduled for", "title", "items")
        for row in classes.visible_classes(session, _operator()):
            table.add_row(
                str(row.id),
                row.state,
                classes.team_name(session, row) or "whole centre",
                row.scheduled_for.isoformat(timespec="minutes") if row.scheduled_for else "–",
                row.title,
                str(len(classes.items_of(session, row))),
            )
        console.print(table)


@app.command("create")
def create(
    title: str,
    team: Annotated[str | None, typer.Option(help="the team attending (default: the whole centre)")] = None,
    scheduled_for: Annotated[
        datetime | None, typer.Option("--at", help="when it takes place (ISO 8601; without offset: UTC)")
    ] = None,
) -> None:
    """Create a draft class."""
    with open_app() as ctx, ctx.factory.begin() as session:
        try:
            row = classes.create_class(
                session, _operator(), title=title, team=team, scheduled_for=scheduled_for
            )
        except CallqaError as exc:
            fail(str(exc))
        console.print(f"created class {row.id}: {row.title}", markup=False)


@app.command("add")
def add(
    class_id: ClassId,
    interaction: Annotated[str, typer.Argument(help="the interaction's id or external id")],
    moment: Annotated[
        list[str] | None,
        typer.Option(help="a moment to discuss: '#3 label' (turn), '1:05 label' (time) or both; repeat"),
    ] = None,
    notes: Annotated[str, typer.Option(help="the analyst's notes (hidden from agents until revealed)")] = "",
) -> None:
    """Add an interaction at the end of the class's playlist."""
    with open_app() as ctx, ctx.factory.begin() as session:
        try:
            row = classes.get_class(session, class_id)
            position = len(classes.items_of(session, row)) + 1
            moments = [classes.parse_moment(class_id, position, n, m) for n, m in enumerate(moment or [], 1)]
            item = classes.add_item(session, _operator(), row, interaction, moments=moments, notes=notes)
        except CallqaError as exc:
            fail(str(exc))
        console.print(
            f"class {class_id}: item {item.position} is interaction {item.interaction_id}", markup=False
        )


@app.command("show")
def show(class_id: ClassId) -> None:
    """A class: its state and each item with its moments and notes."""
    with open_app() as ctx, ctx.factory() as session:
        try:
            row = classes.get_class(session, class_id)
        except CallqaError as exc:
            fail(str(exc))
        team = classes.team_name(session, row) or "whole centre"
        held = f", held {row.held_at.isoformat(timespec='minutes')}" if row.held_at else ""
        console.print(f"class {row.id}: {row.title} ({team}; {row.state}{held})", markup=False)
        for item in classes.items_of(session, row):
            found = session.get(InteractionRow, item.interaction_id)
            external = found.external_id if found else "?"
            revealed = "revealed" if item.revealed_at else "hidden"
            console.print(f"{item.position}. {external} (id {item.interaction_id})", markup=False)
            for m in item.moments:
                where = " ".join(
                    p
                    for p in (f"#{m['turn']}" if m.get("turn") is not None else "", _clock(m.get("ms")))
                    if p
                )
                console.print(f"   {where} {m['label']}", markup=False)
            if item.notes:
                console.print(f"   notes ({revealed}): {item.notes}", markup=False)


def _clock(ms: int | None) -> str:
    if ms is None:
        return ""
    minutes, seconds = divmod(ms // 1000, 60)
    return f"{minutes}:{seconds:02d}"
