"""``callqa tune``: propose scorecard changes learnt from the reviews; apply the approved ones, re-score."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from callqa.calibration import tuning
from callqa.cli.context import console, err_console, fail, open_app
from callqa.cli.insights import print_refresh
from callqa.cli.score import print_score_report
from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.review.carry import carry_reviews
from callqa.scoring.service import score_stored


def register(app: typer.Typer) -> None:
    app.command("tune")(tune)


def _share(k: int, n: int) -> str:
    return f"{k / n:.0%} ({k}/{n})" if n else "–"


def print_report(report: tuning.TuneReport) -> None:
    if not report.proposals:
        console.print(f"{report.scorecard}: {report.labels} review labels; nothing to learn", markup=False)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("criterion", "reviews", "now", "cross-validated", "fitted on all", "offered"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for p in report.proposals:
        table.add_row(
            p.criterion,
            str(p.n),
            _share(p.before, p.n),
            _share(p.after, p.n) + f" ({p.folds} folds)",
            _share(p.fitted, p.n),
            "yes" if p.offered else "no",
        )
    if report.proposals:
        console.print(table)
    for p in report.proposals:
        for edit in p.edits if p.offered else ():
            console.print(f"  {p.criterion}: {edit.note}", markup=False, soft_wrap=True)
    for criterion, why in report.skipped.items():
        console.print(f"  {criterion}: {why}", style="dim", markup=False)


def tune(
    scorecard: Annotated[str, typer.Option(help="The scorecard to tune.")] = DEFAULT_SCORECARD,
    criterion: Annotated[
        list[str] | None, typer.Option("--criterion", help="Only these criteria (repeat the option).")
    ] = None,
    folds: Annotated[
        int, typer.Option(min=2, help="Cross-validation folds (by interaction).")
    ] = tuning.FOLDS,
    apply: Annotated[
        list[str] | None,
        typer.Option(
            "--apply", help="Approve this criterion's offered changes (repeat; 'all' for every one)."
        ),
    ] = None,
    rescore: Annotated[bool, typer.Option(help="Re-score the stored interactions after applying.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the proposals as JSON.")] = False,
) -> None:
    """Learn scorecard changes from the shared reviews (semantic thresholds per language, quoted words as
    phrases or examples, the AI's wrong evidence as counter-examples), each with its agreement before and
    after by cross-validation by interaction. Nothing changes unless --apply approves it."""
    with open_app() as ctx:
        vocabulary = ctx.scorecards.vocabulary
        with ctx.factory() as session:
            try:
                report = tuning.propose(
                    session,
                    scorecard,
                    pipeline=ctx.pipeline,
                    services=ctx.services,
                    vocabulary=vocabulary,
                    folds=folds,
                    criteria=criterion or (),
                )
            except CallqaError as exc:
                fail(str(exc))
        if as_json:
            console.print_json(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            print_report(report)
        if not apply:
            return
        offered = {p.criterion: p for p in report.proposals if p.offered}
        chosen = list(offered) if "all" in apply else apply
        unknown = [c for c in chosen if c not in offered]
        if unknown:
            fail(f"no offered proposal for {', '.join(unknown)}; offered: {', '.join(offered) or 'none'}")
        edits = [e for c in chosen for e in offered[c].edits]
        try:
            with ctx.factory.begin() as session:
                row = tuning.approve(session, scorecard, report.base_hash, edits, vocabulary)
                version = row.version
        except CallqaError as exc:
            fail(str(exc))
        err_console.print(f"{scorecard} v{version} saved with {len(edits)} changes ({', '.join(chosen)})")
        if rescore:
            card = ctx.scorecards.current(scorecard)
            result = score_stored(
                ctx.factory, card, pipeline=ctx.pipeline, services=ctx.services, rescore=True
            )
            print_score_report(result)
            with ctx.factory.begin() as session:
                carry_reviews(session, card.name)
            print_refresh(refresh_insights(ctx.factory, InsightConfig.from_settings(ctx.settings)))
