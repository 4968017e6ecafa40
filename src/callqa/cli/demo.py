"""``callqa demo``: load the bundled demo data and show it."""

from __future__ import annotations

from typing import Annotated

import typer

from callqa.cli.browse import ListFormat, list_command, stats
from callqa.cli.context import console, open_app
from callqa.cli.ingest import print_report, run_ingest
from callqa.demo import demo_data_dir


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Load the bundled demo interactions (idempotent) and show what is stored."""
    data = demo_data_dir()
    with open_app(data / "callqa.yaml") as ctx:
        console.print(
            f"[bold]Loading the demo data[/bold] from {data}\ninto {ctx.settings.resolved_database_url()}"
        )
        report = run_ingest(ctx, [data], None, None, progress)
    print_report(report)
    console.print()
    list_command(limit=0, fmt=ListFormat.TABLE)
    console.print()
    stats()
    console.print(
        "\nNext: [bold]callqa show ID[/bold] for a transcript, [bold]callqa list --help[/bold] for filters."
    )
    raise typer.Exit(0 if report.ok else 1)
