"""``callqa agreement``: how well the AI agrees with the centre's graders, per criterion."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from callqa.calibration import ai_agreement
from callqa.cli.context import console, fail, open_app


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement)


def agreement(
    by: Annotated[
        str, typer.Option(help=f"Group by any of {', '.join(ai_agreement.KEYS)}, comma-separated.")
    ] = "scorecard,version,criterion",
    scorecard: Annotated[str | None, typer.Option(help="Only this scorecard's evaluations.")] = None,
) -> None:
    """Agreement of the AI with shared reviews and calibration answers: n, agreement (95 % interval), kappa,
    fail precision and recall, and the graders' own agreement. Exits 1 when a group is below the floor
    (CALLQA_AGREEMENT_FLOOR)."""
    keys = [k.strip() for k in by.split(",") if k.strip()]
    with open_app() as ctx, ctx.factory() as session:
        try:
            rows = ai_agreement.measure(ai_agreement.examples(session, scorecard=scorecard), keys)
        except ValueError as exc:
            fail(str(exc))
        graders = ai_agreement.grader_agreement(session, scorecard=scorecard)
        floor = ctx.settings.agreement_floor
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in (*keys, "n", "agreement", "95 % interval", "kappa", "fail P", "fail R", "graders"):
        table.add_column(column, justify="left" if column in keys else "right")
    flagged = 0
    for r in rows:
        below = r.below(floor)
        flagged += below
        human = graders.get(r.key.get("criterion", ""))
        table.add_row(
            *(str(r.key[k]) for k in keys),
            str(r.n),
            f"{r.rate:.0%}" + (" !" if below else ""),
            f"{r.low:.0%}–{r.high:.0%}",
            "–" if r.kappa is None else f"{r.kappa:.2f}",
            "–" if r.fail_precision is None else f"{r.fail_precision:.0%}",
            "–" if r.fail_recall is None else f"{r.fail_recall:.0%}",
            "–" if human is None else f"{human[1]:.0%} ({human[0]} pairs)",
        )
    if not rows:
        console.print("No labels yet: share a review, or run a calibration session.")
        return
    console.print(table)
    if flagged:
        console.print(f"{flagged} below the floor of {floor:.0%} (! : even the interval's top is lower)")
        raise typer.Exit(1)
