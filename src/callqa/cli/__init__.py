"""The ``callqa`` command line: thin wrappers that call library functions, print, and set the exit code."""

from __future__ import annotations

import typer

from callqa.cli import (
    agreement,
    browse,
    channels,
    database,
    demo,
    evaluate,
    export,
    ingest,
    insights,
    lifecycle,
    live,
    report,
    reweight,
    score,
    serve,
    shifts,
    skills,
    storage,
    teams,
    training_classes,
    tune,
    users,
    watch,
    worker,
)

app = typer.Typer(
    name="callqa",
    help="Quality assurance for contact centres: ingest, score and review every interaction.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest.register(app)
agreement.register(app)
browse.register(app)
score.register(app)
reweight.register(app)
export.register(app)
evaluate.register(app)
demo.register(app)
serve.register(app)
tune.register(app)
live.register(app)
lifecycle.register(app)
worker.register(app)
watch.register(app)
skills.register(app)
channels.register(app)
app.add_typer(database.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(teams.app, name="team")
app.add_typer(insights.app, name="insights")
app.add_typer(report.app, name="report")
app.add_typer(storage.app, name="storage")
app.add_typer(shifts.app, name="shifts")
app.add_typer(training_classes.app, name="classes")


def main() -> None:
    """Entry point of the ``callqa`` script."""
    app()
