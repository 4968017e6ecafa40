"""``callqa skills`` (skill profiles), ``callqa routing`` (recommendations and their export) and
``callqa routing simulate`` (the replayed month on the synthetic centre)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import cli_audit, console, err_console, fail, open_app
from callqa.cli.routing_ids import ids_app
from callqa.core.errors import CallqaError
from callqa.skills import routing_ids_service as ids_service
from callqa.skills import service
from callqa.skills.exports import FORMATS, export
from callqa.skills.profiles import build_profiles, explain
from callqa.skills.routing import recommend
from callqa.skills.simulate import simulate

routing_app = typer.Typer(
    help="Routing recommendations from skill profiles: per queue and contact reason, whom to route to.",
    invoke_without_command=True,
)

Since = Annotated[
    str | None,
    typer.Option(help="First local day measured (YYYY-MM-DD; default: the last 90 days with data)."),
]
Until = Annotated[
    str | None, typer.Option(help="Last local day measured (YYYY-MM-DD; default: the last one).")
]


def register(app: typer.Typer) -> None:
    app.command("skills")(skills)
    routing_app.add_typer(ids_app, name="ids")
    app.add_typer(routing_app, name="routing")


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: '{value}' is not a date (YYYY-MM-DD)")


def _number(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def skills(
    agent: Annotated[str | None, typer.Option(help="Only this agent.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team's agents.")] = None,
    kind: Annotated[
        str, typer.Option(help="reason, language, channel (roll-ups) or full (reason × language × channel).")
    ] = "reason",
    since: Since = None,
    until: Until = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write every cell of the kind as CSV here.")
    ] = None,
) -> None:
    """Skill profiles: per agent and contact reason (or language, channel), QA score with its interval,
    CSAT, recontact, handle time against the baseline, and a proficiency level 1–5 explained."""
    with open_app() as ctx, ctx.factory() as session:
        try:
            query = service.checked(_day("--since", since), _day("--until", until), team=team, agent=agent)
            query = service.with_default_period(session, query)
            service.check_agent(session, query)
            cells = service.of_kind(build_profiles(session, query), kind)
        except CallqaError as exc:
            fail(str(exc))
        titles = service.cell_titles(session, cells)
        if csv is not None:
            csv.write_text(service.cells_csv(cells, titles), encoding="utf-8")
            cli_audit(ctx, "export", "skills", None, {"kind": kind, "rows": len(cells), "to": str(csv)})
            err_console.print(f"{len(cells)} skill cells written to {csv}", markup=False)
            return
    table = Table("agent", "team", "skill", "n", "level", "QA (95 %)", "CSAT (n)", "recontact", "handle ×")
    for c in cells:
        reason = titles.get(c.reason, c.reason) if c.reason is not None else None
        skill = " · ".join(v for v in (reason, c.language, c.channel) if v is not None)
        qa = f"{_number(c.qa, '.0f')} ({_number(c.qa_low, '.0f')}–{_number(c.qa_high, '.0f')})"
        table.add_row(
            *(c.agent, c.team, skill, str(c.n), str(c.level), qa),
            *(f"{_number(c.csat, '.1f')} ({c.csat_n})", f"{c.recontact:.0%}", _number(c.handle_ratio, ".2f")),
        )
    console.print(table)


@routing_app.callback()
def routing(
    ctx: typer.Context,
    queue: Annotated[str | None, typer.Option(help="Only this queue.")] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"Export the skill levels to set: {', '.join(sorted(FORMATS))}."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="File for --format (default: stdout).")] = None,
    system: Annotated[
        str | None,
        typer.Option(help="With --format csv: the routing system whose stored user ids fill external_id."),
    ] = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """Per queue and contact reason: the agents ranked (with enough evidence), the level to set for each,
    and the expected effect on QA score, CSAT, recontact and handle time; or their export (--format)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_app() as app, app.factory() as session:
        try:
            query = service.with_default_period(
                session, service.checked(_day("--since", since), _day("--until", until))
            )
            found = recommend(session, query, queue=queue)
            made = None
            if fmt is not None:
                ids = ids_service.ids_for_format(session, fmt, system)
                made = export(fmt, found.assignments(), ids=ids)
        except CallqaError as exc:
            fail(str(exc))
        if made is not None:
            if out is None:
                sys.stdout.write(made.body)
            else:
                out.write_text(made.body, encoding="utf-8")
            detail = {
                "format": fmt,
                "queue": queue,
                "rows": len(found.assignments()),
                "to": str(out or "stdout"),
            }
            cli_audit(app, "export", "routing", None, detail)
            return
        titles = service.routing_titles(session, found)
    for r in found.reasons:
        today, then = r.today, r.expected
        console.print(
            f"[bold]{r.queue} · {titles.get(r.reason, r.reason)}[/bold]: {r.volume} contacts; expected QA "
            f"{_number(today.qa, '.1f')} → {_number(then.qa, '.1f')}, CSAT {_number(today.csat, '.2f')} → "
            f"{_number(then.csat, '.2f')}, handle × {_number(today.handle_ratio, '.2f')} → "
            f"{_number(then.handle_ratio, '.2f')}",
            highlight=False,
        )
        table = Table("rank", "agent", "team", "level", "n", "share", "why")
        for a in r.ranked[:10]:
            why = explain(a.cell, titles=titles)
            table.add_row(str(a.rank), a.agent, a.team, str(a.level), str(a.n), f"{a.share:.0%}", why)
        console.print(table)


@routing_app.command("simulate")
def simulate_command(
    seed: Annotated[
        int, typer.Option(help="The synthetic centre's seed (callqa insights generate --seed).")
    ] = 7,
    days: Annotated[int, typer.Option(min=7, help="Days replayed (the last ones).")] = 30,
) -> None:
    """Replay the last month of the synthetic centre routed as it was and by the recommendations (profiles of
    the days before), outcomes drawn from the planted skills; print the difference with its interval."""
    with open_app() as ctx, ctx.factory() as session:
        try:
            planted = service.synthetic_truth(session, seed)
        except CallqaError as exc:
            fail(str(exc))
        sim = simulate(session, planted, seed=seed, days=days)
    moved = f"{sim.moved} routed to another agent"
    console.print(f"replayed {sim.contacts} contacts from {sim.first} to {sim.last}; {moved}", markup=False)
    table = Table("measure", "as it was", "recommended", "difference", "95 % interval", "by the truth")
    for d, t in zip(sim.differences, sim.truth, strict=True):
        table.add_row(
            *(d.measure, f"{d.before:.3f}", f"{d.after:.3f}", f"{d.after - d.before:+.3f}"),
            *(f"{d.low:+.3f} … {d.high:+.3f}", f"{t.after - t.before:+.3f}"),
        )
    console.print(table)
