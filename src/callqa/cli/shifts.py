"""``callqa shifts``: shift bidding rounds from the command line (create, import CSV, open, close, allocate,
publish, show); thin wrappers over ``callqa.shifts.service``, each step audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy.orm import Session

from callqa.cli.context import cli_audit, console, err_console, fail, open_app
from callqa.core.errors import CallqaError
from callqa.shifts import entry, reading, service
from callqa.shifts.models import ShiftRoundRow
from callqa.shifts.schemas import DemandEntryIn, RoundIn, ShiftEntryIn, SpanIn
from callqa.users.schemas import Actor, UserRole

app = typer.Typer(
    help="Shift bidding rounds: create, fill from CSV, open, close, allocate, publish.", no_args_is_help=True
)
# the allocation the commands run (CP-SAT); tests of the command line put the stand-in solver here
ALLOCATE: service.Allocate = service.solver_allocate
# the command line reads every round and every agent's bid and outcome, as an admin does
OPERATOR = Actor(user_id=0, username="cli", display_name="cli", role=UserRole.ADMIN)


class Kind(StrEnum):
    shifts = "shifts"
    demands = "demands"
    agents = "agents"


RoundId = Annotated[int, typer.Argument(min=1, help="the round's id (callqa shifts show lists them)")]


def _step(round_id: int, action: str, run: Callable[[Session, ShiftRoundRow], object]) -> ShiftRoundRow:
    """Load the round, run one step on it, audit it; a refusal is its coded message and exit code 2."""
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                row = service.get_round(session, round_id)
                run(session, row)
            except CallqaError as exc:
                fail(str(exc))
            session.expunge(row)
        cli_audit(ctx, action, "shift_round", round_id, {"error": row.error} if row.error else None)
    return row


@app.command("create")
def create(
    name: str,
    blocks: Annotated[list[str], typer.Option("--block", help="a block (e.g. a week) of the round; repeat")],
    opens: Annotated[datetime, typer.Option(help="bids are taken from (ISO 8601; without offset: UTC)")],
    closes: Annotated[datetime, typer.Option(help="until (exclusive)")],
    team: Annotated[str | None, typer.Option(help="the team it is for (default: the whole centre)")] = None,
    order: Annotated[str, typer.Option(help="how contested seats are decided, strongest first")] = (
        "fairness,seniority,skills"
    ),
    max_choices: Annotated[int, typer.Option(help="shifts an agent may rank per block")] = 3,
    time_limit: Annotated[float, typer.Option(help="the solver's time limit in seconds")] = 60.0,
) -> None:
    """Create a round in draft; prints its id."""
    data = RoundIn(
        name=name,
        team=team,
        blocks=blocks,
        opens_at=opens if opens.tzinfo else opens.replace(tzinfo=UTC),
        closes_at=closes if closes.tzinfo else closes.replace(tzinfo=UTC),
        order=[r.strip() for r in order.split(",") if r.strip()],
        max_choices=max_choices,
        time_limit_s=time_limit,
    )
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                round_id = service.create_round(session, data, by=None).id
            except CallqaError as exc:
                fail(str(exc))
        cli_audit(ctx, "create", "shift_round", round_id, data.model_dump(mode="json"))
    console.print(f"created round {round_id}: {name} (draft)", markup=False)


@app.command("import")
def import_csv(round_id: RoundId, kind: Kind, file: Path) -> None:
    """Replace the round's shifts, demands or agents' settings with the good rows of a CSV file; each bad
    row is printed (exit code 1 when any was skipped)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    run = {
        Kind.shifts: service.import_shifts,
        Kind.demands: service.import_demands,
        Kind.agents: service.import_agents,
    }
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                report = run[kind](session, service.get_round(session, round_id), data, file.name)
            except CallqaError as exc:
                fail(str(exc))
        cli_audit(ctx, "import", "shift_round", round_id, {"kind": kind.value} | report.as_json())
    for error in report.errors:
        err_console.print(error, markup=False, highlight=False, soft_wrap=True)
    console.print(f"{report.loaded} {kind.value} loaded from {file.name}", markup=False)
    if report.errors:
        raise typer.Exit(1)


def _entry(round_id: int, action: str, run: Callable[[Session, ShiftRoundRow], Any]) -> Any:
    """Load the round, enter one shift or demand, audit it with what ``run`` returns; a refusal is its
    coded message and exit code 2 (nothing stored)."""
    with open_app() as ctx:
        with ctx.factory.begin() as session:
            try:
                done = run(session, service.get_round(session, round_id))
            except CallqaError as exc:
                fail(str(exc))
        cli_audit(ctx, action, "shift_round", round_id, done)
    return done


@app.command("add-shift")
def add_shift(
    round_id: RoundId,
    shift_id: Annotated[str, typer.Argument(help="the shift's id in the round")],
    block: Annotated[str, typer.Option(help="one of the round's blocks")],
    days: Annotated[list[str], typer.Option("--day", help="a day it is worked, YYYY-MM-DD; repeat")],
    start: Annotated[str, typer.Option(help="HH:MM, the centre's local time")],
    end: Annotated[str, typer.Option(help="HH:MM (at or before the start: the next day)")],
    label: Annotated[str, typer.Option(help="what agents read (default: its first span)")] = "",
    seats: Annotated[int | None, typer.Option(help="most agents it takes (default: no limit)")] = None,
    skills: Annotated[list[str] | None, typer.Option("--skill", help="a skill it needs; repeat")] = None,
    replace: Annotated[bool, typer.Option(help="replace the round's shift of this id")] = False,
) -> None:
    """Add one shift to a draft round (or replace one, --replace), checked as a CSV row is."""
    try:
        spans = [SpanIn(date=day, start=start, end=end) for day in days]
        data = ShiftEntryIn(
            id=shift_id, block=block, label=label, spans=spans, seats=seats, skills=list(skills or [])
        )
    except ValidationError as exc:
        fail(f"shift {shift_id[:64]}: {exc.errors()[0]['msg']}")

    def run(session: Session, row: ShiftRoundRow) -> dict[str, Any]:
        if replace:
            entry.edit_shift(session, row, shift_id, data)
        else:
            entry.add_shift(session, row, data)
        return data.model_dump(mode="json")

    _entry(round_id, "edit_shift" if replace else "add_shift", run)
    console.print(f"round {round_id}: shift {shift_id} {'replaced' if replace else 'added'}", markup=False)


@app.command("remove-shift")
def remove_shift(
    round_id: RoundId, shift_id: Annotated[str, typer.Argument(help="the shift's id in the round")]
) -> None:
    """Delete one shift of a draft round."""

    def run(session: Session, row: ShiftRoundRow) -> dict[str, Any]:
        entry.delete_shift(session, row, shift_id)
        return {"shift": shift_id}

    _entry(round_id, "delete_shift", run)
    console.print(f"round {round_id}: shift {shift_id} deleted", markup=False)


@app.command("add-demand")
def add_demand(
    round_id: RoundId,
    day: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    start: Annotated[str, typer.Option(help="HH:MM, the centre's local time")],
    end: Annotated[str, typer.Option(help="HH:MM (at or before the start: the next day)")],
    headcount: Annotated[int, typer.Option(help="at least this many agents working all of it")],
    skill: Annotated[str | None, typer.Option(help="agents holding it (default: any agent)")] = None,
) -> None:
    """Add one headcount needed (until the round is allocated); prints its id."""
    try:
        data = DemandEntryIn(date=day, start=start, end=end, skill=skill, headcount=headcount)
    except ValidationError as exc:
        fail(f"demand: {exc.errors()[0]['msg']}")
    done = _entry(round_id, "add_demand", lambda s, r: reading.demand_json(entry.add_demand(s, r, data)))
    console.print(f"round {round_id}: demand {done['id']} added", markup=False)


@app.command("remove-demand")
def remove_demand(
    round_id: RoundId, demand_id: Annotated[int, typer.Argument(min=1, help="the demand's id")]
) -> None:
    """Delete one headcount needed (until the round is allocated)."""

    def run(session: Session, row: ShiftRoundRow) -> dict[str, Any]:
        entry.delete_demand(session, row, demand_id)
        return {"demand": demand_id}

    _entry(round_id, "delete_demand", run)
    console.print(f"round {round_id}: demand {demand_id} deleted", markup=False)


@app.command("close-due")
def close_due() -> None:
    """Close every open round whose bidding window has ended (any read of a round does it too; this is for
    a scheduler such as cron). Each is audited once, as the system's action."""
    with open_app() as ctx, ctx.factory.begin() as session:
        closed = service.close_due_rounds(session)
        for row in closed:
            console.print(f"round {row.id}: closed (its window ended)", markup=False)
    if not closed:
        console.print("no round to close", markup=False)


@app.command("open")
def open_command(round_id: RoundId) -> None:
    """Open the bidding window."""
    row = _step(round_id, "open", service.open_round)
    console.print(f"round {row.id}: {row.status}", markup=False)


@app.command("close")
def close_command(round_id: RoundId) -> None:
    """Close the bidding window."""
    row = _step(round_id, "close", service.close_round)
    console.print(f"round {row.id}: {row.status}", markup=False)


@app.command("allocate")
def allocate_command(round_id: RoundId) -> None:
    """Run the allocation of a closed round; prints the shares of choices granted, or why there is none
    (exit code 1)."""
    row = _step(round_id, "allocate", lambda s, r: service.allocate_round(s, r, allocate=ALLOCATE))
    if row.error:
        err_console.print(row.error, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    shares = ", ".join(f"choice {rank}: {share:.0%}" for rank, share in (row.granted or {}).items())
    console.print(f"round {row.id}: allocated ({row.solver_status}, {row.solver_seconds} s)", markup=False)
    console.print(f"{shares}; requests met: {row.requests_met or 0:.0%}", markup=False)


@app.command("publish")
def publish_command(round_id: RoundId) -> None:
    """Publish the allocation to the agents."""
    row = _step(round_id, "publish", service.publish_round)
    console.print(f"round {row.id}: {row.status}", markup=False)


@app.command("show")
def show(
    round_id: Annotated[int | None, typer.Argument(min=1, help="a round (default: list them)")] = None,
) -> None:
    """List the rounds, or show one: its window, counts and the allocation's outcomes."""
    with open_app() as ctx, ctx.factory.begin() as session:
        if round_id is None:
            for r in reading.visible_rounds(session, OPERATOR):
                console.print(
                    f"{r.id}\t{r.name}\t{r.team or '(centre)'}\t{r.status}", markup=False, highlight=False
                )
            return
        try:
            row = service.get_round(session, round_id)
        except CallqaError as exc:
            fail(str(exc))
        shifts, demands = reading.shifts_of(session, row), reading.demands_of(session, row)
        bids = reading.bids_of(session, row, OPERATOR)
        console.print(f"{row.name} ({row.team or 'whole centre'}): {row.status}", markup=False)
        opens, closes = (f"{service.as_utc(t):%Y-%m-%d %H:%M}" for t in (row.opens_at, row.closes_at))
        counts = f"{len(shifts)} shifts, {len(demands)} demands, {len(bids)} bids"
        console.print(f"bids from {opens} to {closes} UTC; {counts}", markup=False)
        if row.error:
            console.print(row.error, markup=False, soft_wrap=True)
        outcomes = reading.outcomes_of(session, row, OPERATOR)
        if outcomes:
            table = Table(box=None, pad_edge=False, header_style="bold")
            for column in ("agent", "block", "shift", "choice", "reason"):
                table.add_column(column)
            for o in outcomes:
                table.add_row(o.agent.username, o.block, o.shift, str(o.choice or "-"), o.reason)
            console.print(table)
