"""``callqa team``: the teams users belong to and lead, chosen from a list (a typo'd team is refused)."""

from __future__ import annotations

import typer

from callqa.cli.context import cli_audit, console, fail, open_app
from callqa.core.errors import CallqaError
from callqa.users.teams import create_team
from callqa.views.teams import known_teams

app = typer.Typer(help="Teams: add one, list those known.", no_args_is_help=True)


@app.command("add")
def add(name: str) -> None:
    """Add a team, so users can be placed in it or lead it before its first interaction arrives."""
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                created = create_team(session, name).id
            except CallqaError as exc:
                fail(str(exc))
        cli_audit(ctx, "create", "team", created, {"name": name})
    console.print(f"added team [bold]{name}[/bold]")


@app.command("list")
def list_command() -> None:
    """Every team known: those added and those the stored interactions carry."""
    with open_app() as ctx, ctx.factory() as session:
        for name in known_teams(session):
            console.print(name, markup=False, highlight=False)
