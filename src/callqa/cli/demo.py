"""``callqa demo``: load the bundled demo data, score it and show the results."""

from __future__ import annotations

from typing import Annotated

import typer

from callqa.cli.browse import stats
from callqa.cli.context import console, open_app
from callqa.cli.evaluation_view import criteria_table, scores_table
from callqa.cli.ingest import print_report, run_ingest
from callqa.cli.insights import print_refresh
from callqa.cli.score import print_score_report
from callqa.cli.serve import run_server
from callqa.core.query import InteractionQuery
from callqa.core.settings import Settings
from callqa.demo import demo_data_dir
from callqa.demo.reviews import load_demo_reviews
from callqa.demo.users import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.scoring.queries import export_records, score_summary
from callqa.scoring.service import score_stored


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    serve: Annotated[bool, typer.Option(help="Then serve the web app on the demo data.")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
) -> None:
    """Load the bundled demo interactions (idempotent), score them, add demo users, show a summary."""
    data = demo_data_dir()
    with open_app(data / "callqa.yaml") as ctx:
        console.print(
            f"[bold]Loading the demo data[/bold] from {data}\ninto {ctx.settings.resolved_database_url()}"
        )
        report = run_ingest(ctx, [data], None, None, progress)
        print_report(report)
        console.print("\n[bold]Scoring[/bold] every interaction with the standard scorecard")
        card = ctx.scorecards.current()
        scored = score_stored(
            ctx.factory,
            card,
            pipeline=ctx.pipeline,
            services=ctx.services,
            batch_size=ctx.config.scoring.batch_size,
        )
        print_score_report(scored)
        with ctx.factory.begin() as session:
            created = ensure_demo_users(session)
            reviewed = load_demo_reviews(session, data / "reviews.yaml")
        if reviewed:
            console.print(f"{reviewed} demo reviews by the QA analyst stored (shared and final)")
        print_refresh(refresh_insights(ctx.factory, InsightConfig.from_settings(ctx.settings)))
        with ctx.factory.begin() as session:
            summary = score_summary(session, card.name)
            rows = list(export_records(session, InteractionQuery(scorecard=card.name)))
    console.print()
    console.print(scores_table(rows))
    console.print()
    console.print(criteria_table(summary))
    console.print()
    stats()
    console.print(
        f"\nDemo users ({len(created)} new), password [bold]{DEMO_PASSWORD}[/bold]: "
        + ", ".join(f"{u.username} ({u.role.value})" for u in DEMO_USERS)
    )
    console.print(
        "\nNext: [bold]callqa show ID[/bold] for a transcript with its evaluation and evidence, "
        "[bold]callqa export --format csv[/bold] for a spreadsheet, "
        "[bold]callqa agreement[/bold] for how often the AI agrees with the reviews, "
        "[bold]callqa serve[/bold] for the web app."
    )
    ok = report.ok and not scored.failures
    if serve and ok:
        run_server(Settings(), host="127.0.0.1", port=port)
    raise typer.Exit(0 if ok else 1)
