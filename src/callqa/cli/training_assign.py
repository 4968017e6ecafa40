"""``callqa assignments``: training assignments from the command line (list, create, cancel); thin wrappers
over ``callqa.training.assignments`` and ``callqa.training.follow_up``, each change audited."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import console, fail, open_app, operator
from callqa.core.errors import CallqaError
from callqa.training import assignments as service
from callqa.training.follow_up import Filters, followed
from callqa.users.schemas import Actor, UserRole

app = typer.Typer(help="Training assignments: list, assign a scenario, cancel.", no_args_is_help=True)


def _operator() -> Actor:
    """The command line sees and assigns to every agent, as an admin does; audited as ``cli:<login>``."""
    return Actor(user_id=0, username=operator(), display_name="callqa", role=UserRole.ADMIN)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@app.command("list")
def list_(
    team: Annotated[str | None, typer.Option(help="only this team's agents")] = None,
    agent: Annotated[str | None, typer.Option(help="only this agent (agent name)")] = None,
    state: Annotated[str | None, typer.Option(help="open, done or cancelled")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="only open ones past their due date")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON with the practice and real-work change")
    ] = False,
    days: Annotated[int, typer.Option(min=1, max=365, help="real-work window before and after")] = 30,
) -> None:
    """The assignments, newest first, with the best practice score and the change."""
    if state is not None and state not in service.STATES:
        fail(f"--state '{state}' is not one of {', '.join(service.STATES)}")
    with open_app() as ctx, ctx.factory() as session:
        filters = Filters(team=team, agent=agent, state=state, overdue=overdue)
        items = followed(session, _operator(), filters, days=days)
        if as_json:
            console.print_json(json.dumps([f.as_json() for f in items]))
            return
        table = Table("id", "agent", "scenario", "level", "due", "state", "best", "first → latest")
        for f in items:
            r, p = f.row, f.practice
            shown = r.state + (" (overdue)" if f.overdue else "")
            change = f"{_score(p.first_score)} → {_score(p.latest_score)}" if p.practices else "–"
            due = str(r.due_on or "–")
            table.add_row(
                str(r.id), r.agent_name, f.scenario, str(r.level), due, shown, _score(p.best_score), change
            )
        console.print(table)


@app.command("create")
def create(
    scenario: Annotated[int | None, typer.Option(min=1, help="the scenario's id")] = None,
    agent: Annotated[str | None, typer.Option(help="an agent's username or agent name")] = None,
    team: Annotated[str | None, typer.Option(help="every agent of this team (one batch)")] = None,
    failed_criterion: Annotated[
        str | None, typer.Option(help="everyone who failed this criterion in the period")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="period start (30 days ago)")
    ] = None,
    until: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="period end (today)")] = None,
    level: Annotated[int, typer.Option(min=1, max=3)] = 1,
    due: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="due date")] = None,
    note: Annotated[str, typer.Option(help="a note for the agents")] = "",
) -> None:
    """Assign a scenario to an agent, a team, or everyone who failed a criterion; prints the ids."""
    today = datetime.now(UTC).date()
    first: date = since.date() if since else today - timedelta(days=30)
    with open_app() as ctx, ctx.factory.begin() as session:
        try:
            people = service.named_assignees(
                session,
                agent=agent,
                team=team,
                failed_criterion=failed_criterion,
                since=first,
                until=until.date() if until else today,
            )
            rows = service.assign(
                session,
                _operator(),
                people,
                scenario_id=service.scenario_for(session, scenario, failed_criterion),
                level=level,
                due_on=due.date() if due else None,
                note=note,
                origin="criterion" if failed_criterion else "manual",
                team_id=service.team_id_of(session, team) if team else None,
                criterion=failed_criterion,
                today=today,
            )
        except CallqaError as exc:
            fail(str(exc))
        for r in rows:
            console.print(f"{r.id}\t{r.agent_name}")


@app.command("cancel")
def cancel(assignment_id: Annotated[int, typer.Argument(min=1, help="the assignment's id")]) -> None:
    """Cancel an open assignment."""
    with open_app() as ctx, ctx.factory.begin() as session:
        try:
            service.cancel(session, _operator(), service.get_assignment(session, assignment_id))
        except CallqaError as exc:
            fail(str(exc))
    console.print(f"assignment {assignment_id} cancelled")
