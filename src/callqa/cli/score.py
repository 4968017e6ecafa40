"""``callqa score`` and ``callqa scorecard ...``: thin wrappers over callqa.scoring."""

from __future__ import annotations

from pathlib import Path
from statistics import mean
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from callqa.cli.context import console, err_console, fail, open_app
from callqa.cli.insights import print_refresh
from callqa.cli.worker import enqueue_score
from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.review.carry import carry_reviews
from callqa.scoring.loader import builtin_names, load_scorecard
from callqa.scoring.service import ScoreReport, score_stored

scorecard_app = typer.Typer(help="Validate and inspect scorecards.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(score)
    app.add_typer(scorecard_app, name="scorecard")


def score(
    scorecard: Annotated[
        str | None,
        typer.Option("--scorecard", help="Built-in scorecard name or YAML file (default: config)."),
    ] = None,
    rescore: Annotated[
        bool,
        typer.Option("--rescore", help="Also re-score evaluations made by an older scorecard or engine."),
    ] = False,
    config_file: Annotated[Path | None, typer.Option("--config", help="Config file (callqa.yaml).")] = None,
    enqueue: Annotated[
        bool,
        typer.Option(
            "--enqueue", help="Put one task per batch on the broker for `callqa worker` instead (PostgreSQL)."
        ),
    ] = False,
) -> None:
    """Score stored interactions that have no current evaluation (history is kept on re-scoring)."""
    if enqueue:
        enqueue_score(scorecard, rescore, config_file)
    with open_app(config_file) as ctx:
        try:
            card = ctx.scorecards.current(scorecard)
            pipeline = ctx.pipeline
        except CallqaError as exc:
            fail(str(exc))
        services = ctx.services
        with Progress(
            TextColumn("scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task("score", total=None)
            report = score_stored(
                ctx.factory,
                card,
                pipeline=pipeline,
                services=services,
                rescore=rescore,
                batch_size=ctx.config.scoring.batch_size,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                budget_s=ctx.config.scoring.item_budget_s,
            )
        print_score_report(report)
        if report.scored:
            with ctx.factory.begin() as session:
                carried = carry_reviews(session, card.name)
            if carried:
                console.print(f"{carried} reviewed interactions keep their reviewers' outcomes")
            print_refresh(refresh_insights(ctx.factory, InsightConfig.from_settings(ctx.settings)))
    if report.failures:
        raise typer.Exit(1)


def print_score_report(report: ScoreReport) -> None:
    for failure in report.failures:
        err_console.print(
            f"{failure.external_id} (id {failure.interaction_id}): {failure.reason}",
            markup=False,
            soft_wrap=True,
        )
    line = f"{report.scorecard} v{report.version}: {report.scored} scored, {len(report.failures)} failed"
    if report.scores:
        line += f"; mean score {mean(report.scores):.1f}, {report.auto_failed} auto-failed"
    elif report.selected == 0:
        line += " (everything is up to date)"
    console.print(line, markup=False, soft_wrap=True)


@scorecard_app.command("validate")
def validate(files: Annotated[list[Path], typer.Argument(help="Scorecard YAML files.")]) -> None:
    """Check scorecard files; every problem is reported with its code and where it is."""
    bad = 0
    for path in files:
        try:
            card = load_scorecard(path)
        except CallqaError as exc:
            err_console.print(f"{path}: {exc}", markup=False, soft_wrap=True)
            bad += 1
            continue
        # One line per file however long the path (soft_wrap), like the error lines above: easy to grep.
        ok = f"{path}: ok ({card.name}, {len(card.criteria)} criteria)"
        console.print(ok, markup=False, soft_wrap=True)
    if bad:
        raise typer.Exit(1)


@scorecard_app.command("list")
def list_scorecards() -> None:
    """The built-in scorecards."""
    for name in builtin_names():
        card = load_scorecard(name)
        console.print(
            f"{name:20} {card.spec.title} ({len(card.criteria)} criteria)", markup=False, soft_wrap=True
        )


@scorecard_app.command("show")
def show_scorecard(
    name: Annotated[str, typer.Argument(help="Built-in name or YAML file.")] = DEFAULT_SCORECARD,
) -> None:
    """Sections and criteria of a scorecard with weights, critical flags and channels."""
    try:
        card = load_scorecard(name)
    except CallqaError as exc:
        fail(str(exc))
    table = Table(title=f"{card.spec.title} ({card.name})", title_justify="left", box=None)
    for column in ("section", "criterion", "weight", "critical", "channels", "detector"):
        table.add_column(column)
    for c in card.criteria:
        s = c.spec
        table.add_row(
            c.section,
            f"{s.id}: {s.title}",
            f"{s.weight:g}",
            "yes" if s.critical else "",
            ", ".join(s.channels or ["all"]),
            str(s.detector.get("type")),
        )
    console.print(table)
