"""``callqa insights ...``: refresh the dashboards' facts; generate a synthetic centre to try them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from callqa.cli.context import console, err_console, open_app
from callqa.db.engine import unit_of_work
from callqa.insights.refresh import InsightConfig, RefreshReport, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre

app = typer.Typer(help="Dashboards' data: refresh it, or generate a synthetic centre.", no_args_is_help=True)


def _bar(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def print_refresh(report: RefreshReport) -> None:
    kind = "rebuilt" if report.full else "refreshed"
    console.print(
        f"insights {kind}: {report.interactions} interactions, {report.days} "
        f"day{'s' if report.days != 1 else ''} in {report.seconds:.1f} s",
        markup=False,
    )


@app.command("refresh")
def refresh(
    full: Annotated[bool, typer.Option("--full", help="Rebuild everything, not only what changed.")] = False,
) -> None:
    """Fold new and changed interactions and scores into the dashboards (the server does it every minute)."""
    with open_app() as ctx, _bar("insights") as bar:
        task = bar.add_task("refresh", total=None)
        report = refresh_insights(
            ctx.factory,
            InsightConfig.from_settings(ctx.settings),
            full=full,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    print_refresh(report)


@app.command("generate")
def generate(
    count: Annotated[int, typer.Option(min=1, help="Interactions to add.")] = 10_000,
    agents: Annotated[int, typer.Option(min=1, help="Agents.")] = 50,
    teams: Annotated[int, typer.Option(min=1, help="Teams.")] = 5,
    days: Annotated[int, typer.Option(min=1, help="Days the interactions spread over.")] = 90,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD; default today).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same centre.")] = 7,
) -> None:
    """Add a synthetic centre of scored interactions (source 'synthetic') to try dashboards at scale."""
    with open_app() as ctx:
        shape = CentreShape(
            count=count,
            agents=agents,
            teams=teams,
            days=days,
            until=date.fromisoformat(until) if until else date.today(),
            zone=ctx.settings.timezone,
            seed=seed,
        )
        with _bar("generating") as bar, unit_of_work(ctx.factory) as session:
            task = bar.add_task("generate", total=count)
            generate_centre(session, shape, progress=lambda done, total: bar.update(task, completed=done))
        console.print(f"added {count} synthetic interactions", markup=False)
        with _bar("insights") as bar:
            task = bar.add_task("refresh", total=None)
            report = refresh_insights(
                ctx.factory,
                InsightConfig.from_settings(ctx.settings),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    print_refresh(report)
