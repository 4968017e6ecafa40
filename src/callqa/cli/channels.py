"""``callqa channels``: customers' channel preferences (segments with their trend), and a table as CSV."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from callqa.channels.report import TABLES, ChannelReport, channel_report, csv_table, parse_days
from callqa.cli.context import cli_audit, console, fail, open_app
from callqa.core.errors import CallqaError


def register(app: typer.Typer) -> None:
    app.command("channels")(channels)


def _count(value: int | None, least: int) -> str:
    return f"<{least}" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def _print(found: ChannelReport) -> None:
    least = found.min_customers
    console.print(
        f"{found.days.since} – {found.days.until}: {_count(found.customers, least)} customers, "
        f"{found.contacts} contacts (the period before: {_count(found.previous_customers, least)} customers)",
        markup=False,
    )
    segments = Table("segment", "customers", "share", "before", "change", title="Segments")
    for s in found.segments:
        change = "–" if s.change is None else f"{s.change:+.1f} pp"
        segments.add_row(
            s.segment.label, _count(s.customers, least), _pct(s.share), _count(s.previous, least), change
        )
    console.print(segments)
    channels = Table("channel", "customers", "first contact", "issues", "FCR", "CSAT", "predicted CSAT")
    for r in found.channels:
        csat = "–" if r.csat is None else f"{r.csat:.2f} ({r.csat_n})"
        predicted = "–" if r.predicted_csat is None else f"{r.predicted_csat:.2f} ({r.predicted_n})"
        channels.add_row(
            r.channel,
            _count(r.customers, least),
            _count(r.first_customers, least),
            _count(r.issues, least),
            _pct(r.first_time),
            csat,
            predicted,
        )
    console.print(channels)
    console.print(
        f"No segment or cell with fewer than {least} customers is shown (k-anonymity); "
        f"{found.hidden} hidden. Customers are pseudonymous keys only.",
        markup=False,
    )


def channels(
    since: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD; default 90 days back).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD; default today).")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write a table as CSV to this file.")] = None,
    table: Annotated[str, typer.Option(help=f"The table --csv writes: {', '.join(TABLES)}.")] = "segments",
) -> None:
    """Customers' channel preferences: segments (phone-first, resolved on chat …) with sizes and trend,
    first-contact resolution and CSAT per channel; customers by pseudonym only."""
    with open_app() as ctx:
        zone = ctx.settings.zone()
        try:
            days = parse_days(since, until, zone, datetime.now(zone).date())
            with ctx.factory() as session:
                found = channel_report(session, days, link_days=ctx.settings.channels_link_days)
            body = csv_table(found, table) if csv is not None else None
        except CallqaError as exc:
            fail(str(exc))
        if csv is not None and body is not None:
            try:
                csv.write_text(body, encoding="utf-8")
            except OSError as exc:
                fail(f"cannot write {csv}: {exc}")
            detail = {"since": str(days.since), "until": str(days.until), "table": table, "file": str(csv)}
            cli_audit(ctx, "export", "channel_preferences", f"{table}.csv", detail)
    _print(found)
    if csv is not None:
        console.print(f"{table} written to {csv}", markup=False)
