"""``callqa report ...``: build a quality report (HTML or PDF), schedule e-mailed reports, send those due."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select

from callqa.cli.context import cli_audit, console, err_console, fail, open_app
from callqa.core.errors import CallqaError
from callqa.db.engine import unit_of_work
from callqa.reports.build import ReportRequest, ReportSettings, build_report, last_period
from callqa.reports.mail import SmtpSettings
from callqa.reports.models import ReportScheduleRow
from callqa.reports.render import report_html, report_pdf
from callqa.reports.schedules import ScheduleIn, create_schedule, get_schedule, run_due
from callqa.reports.subjects import check_request, check_subject
from callqa.users.models import UserRow

app = typer.Typer(
    help="Quality reports: build one, schedule e-mailed ones, send those due.", no_args_is_help=True
)
schedule_app = typer.Typer(help="Scheduled e-mailed reports.", no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")


def _scope(team: str | None, agent: str | None) -> tuple[str, str | None]:
    if team and agent:
        fail("give --team or --agent, not both")
    return ("team", team) if team else ("agent", agent) if agent else ("centre", None)


@app.command("build")
def build(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .pdf or .html.")],
    team: Annotated[str | None, typer.Option(help="A team's report.")] = None,
    agent: Annotated[str | None, typer.Option(help="An agent's report.")] = None,
    since: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD).")] = None,
    last: Annotated[str, typer.Option(help="Without dates: the last complete 'week' or 'month'.")] = "month",
    locale: Annotated[str, typer.Option(help="Language of the report: en, zh, zh_Hant, lt or fa.")] = "en",
) -> None:
    """Write a centre, team or agent quality report for a period as HTML or PDF."""
    if out.suffix.lower() not in (".pdf", ".html"):
        fail(f"{out}: the file must end in .pdf or .html")
    scope, subject = _scope(team, agent)
    with open_app() as ctx:
        today = datetime.now(ctx.settings.zone()).date()
        try:
            start, end = (
                (date.fromisoformat(since), date.fromisoformat(until))
                if since and until
                else last_period("weekly" if last == "week" else "monthly", today)
            )
        except ValueError as exc:
            fail(f"--since/--until: {exc}")
        request = ReportRequest(scope, subject, start, end)  # type: ignore[arg-type]
        with ctx.factory() as session:
            try:
                check_request(session, request)
            except CallqaError as exc:
                fail(str(exc))
            html = report_html(
                build_report(session, request, ReportSettings.from_settings(ctx.settings)), locale
            )
        try:
            data = report_pdf(html) if out.suffix.lower() == ".pdf" else html.encode("utf-8")
        except CallqaError as exc:
            fail(str(exc))
        out.write_bytes(data)
        # where it went: an erasure finds the files the app wrote that hold the customer (docs/privacy.md)
        cli_audit(ctx, "report", scope, subject, {"to": str(out), "since": str(start), "until": str(end)})
    console.print(f"{out}: {request.title()} {start} – {end} ({len(data):,} bytes)", markup=False)


@schedule_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="What the schedule is called.")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient's e-mail address (repeat for more).")],
    by: Annotated[str, typer.Option("--by", help="User it runs as: it reports only what they may see.")],
    cadence: Annotated[
        str, typer.Option(help="weekly (Mondays, the last week) or monthly (the 1st).")
    ] = "weekly",
    team: Annotated[str | None, typer.Option(help="A team's report.")] = None,
    agent: Annotated[str | None, typer.Option(help="An agent's report.")] = None,
    attach: Annotated[str, typer.Option(help="pdf, html or both.")] = "pdf",
    locale: Annotated[str, typer.Option(help="en, zh, zh_Hant, lt or fa.")] = "en",
    hour: Annotated[int, typer.Option(help="Local hour to send it.")] = 7,
) -> None:
    """Schedule a report to be e-mailed every week or month (the server sends it; or `report send-due`)."""
    scope, subject = _scope(team, agent)
    try:
        spec = ScheduleIn(
            name=name,
            scope=scope,
            subject=subject,
            cadence=cadence,
            recipients=to,
            attach=attach,
            locale=locale,
            hour=hour,
        )
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    with open_app() as ctx, unit_of_work(ctx.factory) as session:
        user = session.scalar(select(UserRow.id).where(UserRow.username == by))
        if user is None:
            fail(f"no user '{by}'")
        try:
            check_subject(session, spec.scope, spec.subject)
            row = create_schedule(
                session,
                spec,
                creator=user,
                settings=ReportSettings.from_settings(ctx.settings),
                now=datetime.now(UTC),
            )
        except CallqaError as exc:
            fail(str(exc))
        first = row.next_run_at.astimezone(ctx.settings.zone()).strftime("%Y-%m-%d %H:%M")
        console.print(
            f"schedule {row.id} '{row.name}': first sent {first} ({ctx.settings.timezone})", markup=False
        )


@schedule_app.command("list")
def list_schedules() -> None:
    """Every schedule with its next send time."""
    with open_app() as ctx, ctx.factory() as session:
        for row in session.scalars(select(ReportScheduleRow).order_by(ReportScheduleRow.id)):
            when = row.next_run_at.astimezone(ctx.settings.zone()).strftime("%Y-%m-%d %H:%M")
            what = f"{row.scope} {row.subject or ''}".strip()
            state = "" if row.active else " (paused)"
            console.print(
                f"{row.id:>4} {row.name}: {what}, {row.cadence}, next {when} → {row.recipients}{state}",
                markup=False,
                soft_wrap=True,
            )


@schedule_app.command("remove")
def remove(schedule_id: Annotated[int, typer.Argument(help="The schedule's number (see list).")]) -> None:
    """Delete a schedule and its delivery history."""
    with open_app() as ctx, unit_of_work(ctx.factory) as session:
        try:
            session.delete(get_schedule(session, schedule_id))
        except CallqaError as exc:
            fail(str(exc))
    console.print(f"schedule {schedule_id} removed", markup=False)


@app.command("send-due")
def send_due() -> None:
    """Send every scheduled report whose time has come (the web server does this every minute)."""
    with open_app() as ctx:
        done = run_due(
            ctx.factory, ReportSettings.from_settings(ctx.settings), SmtpSettings.from_settings(ctx.settings)
        )
    for d in done:
        line = f"schedule {d.schedule_id} ({d.since} – {d.until}): {d.status}"
        (console if d.error is None else err_console).print(
            line + (f": {d.error}" if d.error else ""), markup=False, soft_wrap=True
        )
    if not done:
        console.print("no report is due", markup=False)
    if any(d.error for d in done):
        raise typer.Exit(1)
