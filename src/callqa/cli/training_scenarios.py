"""``callqa scenarios``: the scenario library from the command line (list, show, build, suggest)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import cli_audit, console, fail, open_app
from callqa.core.errors import CallqaError
from callqa.interactions.queries import find_interaction_id
from callqa.training.build import build_from_interaction
from callqa.training.catalogue import Filter, for_agent, list_scenarios, manager_named
from callqa.training.library import content_of, get_scenario
from callqa.training.suggest import period_of, suggestions

app = typer.Typer(help="The training scenario library: list, show, build from an interaction, suggest.")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="scenarios")


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: '{value}' is not a date (YYYY-MM-DD)")


@app.command("list")
def list_command(
    tag: Annotated[str, typer.Option(help="Only scenarios with this tag.")] = "",
    criterion: Annotated[str, typer.Option(help="Only scenarios training this criterion.")] = "",
    reason: Annotated[str, typer.Option(help="Only scenarios from this contact reason.")] = "",
    language: Annotated[str, typer.Option(help="Only this language ('zh' finds zh-Hans and zh-Hant).")] = "",
    state: Annotated[str, typer.Option(help="active, archived or all.")] = "active",
) -> None:
    """The scenarios of the library, newest first."""
    with open_app() as runtime, runtime.factory() as session:
        try:
            rows = list_scenarios(session, Filter(tag, criterion, reason, language, state))
        except CallqaError as exc:
            fail(str(exc))
        table = Table("id", "title", "language", "criterion", "reason", "version", "state")
        for r in rows:
            table.add_row(
                str(r.id),
                r.title,
                r.language,
                r.criterion or "",
                r.reason or "",
                str(r.current_version),
                r.state,
            )
    console.print(table)


@app.command("show")
def show_command(
    scenario: Annotated[int, typer.Argument(help="The scenario's id.")],
    version: Annotated[int | None, typer.Option(help="This version (default: the current one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The content as JSON.")] = False,
    without_key_points: Annotated[bool, typer.Option(help="As an agent sees it.")] = False,
) -> None:
    """A scenario's scripts per level: each customer line, its act point and where the answer leads."""
    with open_app() as runtime, runtime.factory() as session:
        try:
            row = get_scenario(session, scenario)
            content = content_of(session, row, version)
        except CallqaError as exc:
            fail(str(exc))
        title = row.title
    if without_key_points:
        content = for_agent(content)
    if as_json:
        typer.echo(json.dumps(content.as_json(), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{title}[/bold] ({content.language}; {', '.join(content.tags)})", markup=True)
    for script in content.scripts:
        console.print(f"\n[bold]level {script.level}[/bold] {script.brief}", highlight=False)
        for step in script.steps:
            act = f" [act: {', '.join(step.criteria)}]" if step.criteria else ""
            console.print(f"  {step.id} ({step.mood}){act}: {step.customer}", markup=False, highlight=False)
            if step.key_point:
                console.print(f"      key point: {step.key_point}", markup=False, highlight=False)
            console.print(f"      → {step.on_pass or 'end'} | missed → {step.on_miss or 'end'}", markup=False)


@app.command("build")
def build_command(
    interaction: Annotated[
        str, typer.Argument(help="The interaction (id, external id or source:external id).")
    ],
    by: Annotated[str, typer.Option("--by", help="The analyst or admin building it (username).")],
    criterion: Annotated[
        str | None, typer.Option(help="The failed criterion it is about (default: the clearest failure).")
    ] = None,
) -> None:
    """Build a scenario (levels 1–3) from an interaction's current evaluation with the configured
    scorecard."""
    with open_app() as runtime:
        card = runtime.scorecards.current()
        with runtime.factory.begin() as session:
            try:
                actor = manager_named(session, by)
                ident = find_interaction_id(session, interaction)
                row = build_from_interaction(
                    session,
                    actor,
                    ident,
                    scorecard=card.name,
                    known_criteria={c.spec.id for c in card.criteria},
                    criterion=criterion,
                    origin="suggested" if criterion else "interaction",
                )
            except CallqaError as exc:
                fail(str(exc))
            scenario, title = row.id, row.title
        cli_audit(runtime, "build", "scenario", scenario, {"interaction": ident, "by": by})
    typer.echo(f"scenario {scenario} built from interaction {ident}: {title}")


@app.command("suggest")
def suggest_command(
    since: Annotated[
        str | None, typer.Option(help="First day (YYYY-MM-DD; default: 90 days before --until).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Last day (YYYY-MM-DD; default: the newest interaction's).")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many suggestions (1–100).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="The suggestions as JSON.")] = False,
) -> None:
    """The criterion × contact reason pairs that failed most, with the agents affected and the interaction
    to build from (``callqa scenarios build ID --criterion C --by USER``)."""
    with open_app() as runtime, runtime.factory() as session:
        card = runtime.scorecards.current()
        try:
            period = period_of(session, _day("--since", since), _day("--until", until))
            found = suggestions(session, scorecard=card.name, period=period, limit=limit)
        except CallqaError as exc:
            fail(str(exc))
    if as_json:
        out = {
            "scorecard": card.name,
            "period": period.as_json(),
            "suggestions": [s.as_json() for s in found],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console.print(f"{card.name}: {period.since} – {period.until}", highlight=False)
    table = Table("criterion", "reason", "failures", "agents", "interaction", "confidence", "scenario")
    for s in found:
        table.add_row(
            s.criterion,
            s.reason or "–",
            str(s.failures),
            str(s.agents),
            str(s.interaction_id),
            f"{s.confidence:.0%}",
            str(s.scenario_id or ""),
        )
    console.print(table)
