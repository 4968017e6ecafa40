"""``callqa scorecard reweight``: each criterion's weight beside its measured effect on CSAT and recontact,
the suggested weights, and (``--apply``) a draft version of the scorecard to review and publish."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.context import cli_audit, console, err_console, fail, open_app
from callqa.cli.score import scorecard_app
from callqa.core.errors import CallqaError
from callqa.core.query import InteractionQuery
from callqa.insights.reweight import Reweighting, report_json, reweighting, verdict
from callqa.insights.reweight_draft import draft_version
from callqa.insights.reweight_weights import Policy

DEFAULT_DAYS = 90


def register(app: typer.Typer) -> None:
    scorecard_app.command("reweight")(reweight)


def _day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--{name}: '{value}' is not a date (YYYY-MM-DD)")


def _gap(difference: float, significant: bool, scale: float = 1.0) -> str:
    return f"{scale * difference:+.2f}{'*' if significant else ''}"


def print_report(report: Reweighting) -> None:
    p = report.policy
    console.print(
        f"{report.scorecard} v{report.version or '(built in)'}: {report.days.first}..{report.days.last}, "
        f"{report.interactions} evaluated interactions, {report.surveyed} surveyed",
        markup=False,
        soft_wrap=True,
    )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("criterion", "weight", "share", "CSAT gap", "recontact pp", "suggested"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for s in report.criteria:
        csat = "–" if s.csat is None else _gap(s.csat.difference, s.csat.q <= p.q_max)
        r = s.recontact
        back = "–" if r is None else _gap(r.difference, r.q <= p.q_max, 100.0)
        table.add_row(
            s.criterion + (" (critical)" if s.critical else ""),
            f"{s.weight:g}",
            f"{100 * s.share:.0f} %",
            csat,
            back,
            f"{s.suggested:g}" + (f" ({s.change:+g})" if s.change else ""),
        )
    console.print(table)
    console.print(
        "CSAT gap: mean CSAT passed − failed; recontact pp: rate failed − passed; *: significant "
        f"(Benjamini–Hochberg q ≤ {p.q_max:g})",
        style="dim",
        markup=False,
        soft_wrap=True,
    )
    for s in report.criteria:
        console.print(f"  {s.criterion}: {verdict(s, report.strongest, p)}", markup=False, soft_wrap=True)
    if report.before is not None and report.after is not None:
        console.print(
            f"held-out correlation of the score with CSAT ({report.held_out} interactions, {report.folds} "
            f"folds): {report.before.r:.3f} now, {report.after.r:.3f} reweighted",
            markup=False,
            soft_wrap=True,
        )
    if not report.changed:
        console.print("no weight would change", markup=False)


def reweight(
    scorecard: Annotated[
        str | None, typer.Option(help="The scorecard (default: the insights scorecard).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD; default 90 days back).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD; default today).")] = None,
    blend: Annotated[float, typer.Option(help="0 keeps the weights, 1 follows the effects alone.")] = 0.5,
    factor: Annotated[float, typer.Option(help="No weight is multiplied or divided by more.")] = 2.0,
    floor: Annotated[float, typer.Option(help="No criterion's share drops below this.")] = 0.02,
    apply: Annotated[
        bool, typer.Option("--apply", help="Save the suggestion as a DRAFT version to review and publish.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Set each criterion's weight beside its measured effect on CSAT and recontact, and suggest weights
    that follow what customers care about (judged on held-out interactions). Nothing changes unless
    --apply, which saves a draft version: publish it by saving it in the scorecard editor."""
    last = _day("until", until)
    first = _day("since", since)
    with open_app() as ctx:
        name = scorecard or ctx.settings.insights_scorecard
        last = last or datetime.now(ctx.settings.zone()).date()
        first = first or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            fail(f"--since {first} is after --until {last}")
        vocabulary = ctx.scorecards.vocabulary
        try:
            policy = Policy(blend=blend, factor=factor, floor=floor)
            with ctx.factory() as session:
                report = reweighting(
                    session, name, InteractionQuery.on_days(first, last), vocabulary=vocabulary, policy=policy
                )
        except CallqaError as exc:
            fail(str(exc))
        if as_json:
            console.print_json(json.dumps(report_json(report), ensure_ascii=False))
        else:
            print_report(report)
        if not apply:
            return
        try:
            with ctx.factory.begin() as session:
                row = draft_version(session, report, vocabulary=vocabulary)
                version, row_id = row.version, row.id
        except CallqaError as exc:
            fail(str(exc))
        detail = {"name": name, "version": version, "weights": report.weights(), "base": report.version}
        cli_audit(ctx, "reweight_draft", "scorecard", row_id, detail)
    err_console.print(
        f"{name} v{version} saved as a DRAFT: scoring does not use it; review it at /scorecards/{name}"
        f"?version={version} and save it there to publish it (then re-score if you wish)",
        markup=False,
        soft_wrap=True,
    )
