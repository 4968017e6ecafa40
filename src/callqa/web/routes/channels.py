"""Customers' channel preferences: the page under operations, the JSON API and the CSV tables.

Admins and analysts see every customer, a supervisor the customers of their teams' interactions (read
through the same scope as every list); agents are refused. Customers appear only as pseudonyms; segments
and cells under the k-anonymity minimum are hidden (``channels.segments``). Views and exports are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed, interaction_scope
from callqa.channels.report import TABLES, ChannelReport, channel_report, csv_table, parse_days
from callqa.core.errors import CallqaError, ErrorCode
from callqa.insights.contact_reasons import reason_titles
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/channels", tags=["channels"])

MAX_PAGE = 1000  # customers per page of /api/channels/customers
Since = Annotated[
    str | None, Query(max_length=10, description="first day (YYYY-MM-DD; default 90 days back)")
]
Until = Annotated[str | None, Query(max_length=10, description="last day (YYYY-MM-DD; default today)")]


def _report(
    request: Request, session: Session, actor: Actor, since: str | None, until: str | None, what: str
) -> ChannelReport:
    """The report the query asks for, in the caller's scope; audited as a view (or export) of ``what``."""
    require(actor, Action.CHANNELS_VIEW)
    zone = request.app.state.settings.zone()
    with refusals():
        days = parse_days(since, until, zone, datetime.now(zone).date())
    link_days = request.app.state.settings.channels_link_days
    found = channel_report(session, days, scope=interaction_scope(actor), link_days=link_days)
    action = "export" if what.endswith(".csv") else "view"
    audit(request, session, actor, action, "channel_preferences", what, {"since": since, "until": until})
    return found


@pages.get("/operations/channels", name="channels_page")
def channels_page(
    request: Request, session: DbSession, actor: CurrentActor, since: Since = None, until: Until = None
) -> Response:
    """Segments with sizes and trend, channels (FCR, CSAT), reasons that move between channels."""
    found = _report(request, session, actor, since, until, "page")
    reasons = sorted({r.reason for r in found.reasons} | {m.reason for m in found.moves})
    context = {
        "report": found,
        "titles": reason_titles(session, reasons),
        "since": found.days.since.isoformat(),
        "until": found.days.until.isoformat(),
        "sees_customers": allowed(actor, Action.CHANNELS_CUSTOMERS),
        "tables": [t for t in TABLES if t != "customers"],
    }
    return render(request, "operations_channels.html", context)


@api.get("/segments")
def segments_json(
    request: Request, session: DbSession, actor: CurrentActor, since: Since = None, until: Until = None
) -> dict[str, Any]:
    """Segments (`first:<channel>`, `multichannel`, `move:<from>:<to>`, `repeat_same_channel`) with their
    customers and share now and in the period before (`change_points`), and per channel: customers,
    contacts, first-contact resolution, surveyed and predicted CSAT, official score. Counts under
    `min_customers` are null (k-anonymity)."""
    found = _report(request, session, actor, since, until, "segments")
    return {
        **found.summary_json(),
        "segments": [s.as_json() for s in found.segments],
        "channels": [r.as_json() for r in found.channels],
    }


@api.get("/reasons")
def reasons_json(
    request: Request, session: DbSession, actor: CurrentActor, since: Since = None, until: Until = None
) -> dict[str, Any]:
    """Contact reasons × the channel an issue started on → the channel it was resolved on (issues,
    customers, share of the reason's issues started there), and first-contact resolution per reason and
    starting channel. Cells under `min_customers` are hidden."""
    found = _report(request, session, actor, since, until, "reasons")
    return {
        **found.summary_json(),
        "moves": [m.as_json() for m in found.moves],
        "first_contact_resolution": [r.as_json() for r in found.reasons],
    }


@api.get("/customers")
def customers_json(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    since: Since = None,
    until: Until = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
) -> dict[str, Any]:
    """Each customer (a pseudonym, never a phone number or e-mail address): contacts per channel, first and
    preferred channel, issues, how many were resolved first time and where, CSAT per channel (surveyed, and
    predicted where no survey was answered); `limit` customers from `offset` (by pseudonym; `total` says
    how many there are; `customers.csv` has them all). Analysts and admins only."""
    require(actor, Action.CHANNELS_CUSTOMERS)
    found = _report(request, session, actor, since, until, "customers")
    page = found.journeys[offset : offset + limit]
    return {**found.summary_json(), "total": len(found.journeys), "customers": [j.as_json() for j in page]}


@api.get("/{table}.csv", name="channels_csv")
def channels_csv(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    table: str,
    since: Since = None,
    until: Until = None,
) -> Response:
    """One table as CSV: segments, channels, moves, reasons, or customers (analysts and admins)."""
    if table not in TABLES:
        with refusals(missing=(ErrorCode.O152,)):
            raise CallqaError(ErrorCode.O152, table=table[:40], known=", ".join(TABLES))
    if table == "customers":
        require(actor, Action.CHANNELS_CUSTOMERS)
    found = _report(request, session, actor, since, until, f"{table}.csv")
    name = f"channels-{table}-{found.days.since}-{found.days.until}.csv"
    return Response(
        csv_table(found, table),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
