"""Analyst productivity: the page, its CSV export and the API (admins see every analyst, an analyst their
own row)."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from callqa.access.policies import Action, sees_all_productivity
from callqa.core.csvfile import write_rows
from callqa.review.productivity import CAP_MINUTES, COLUMNS, AnalystStats, period, productivity
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, refusals, require
from callqa.web.render import render

router = APIRouter()
Day = Annotated[date | None, Query()]


def _rows(
    session: DbSession, actor: Actor, since: date | None, until: date | None
) -> tuple[date, date, list[AnalystStats]]:
    require(actor, Action.PRODUCTIVITY_VIEW)
    with refusals():
        start, end = period(since, until)
    only = None if sees_all_productivity(actor) else actor.user_id
    return start, end, productivity(session, since=start, until=end, user_id=only)


@router.get("/productivity", name="productivity_page", include_in_schema=False)
def productivity_page(
    request: Request, session: DbSession, actor: CurrentActor, since: Day = None, until: Day = None
) -> Response:
    """Reviews, time per review, changes and disputes per analyst over a period."""
    start, end, rows = _rows(session, actor, since, until)
    context = {"rows": rows, "since": start, "until": end, "cap": int(CAP_MINUTES)}
    return render(request, "productivity.html", context)


@router.get("/productivity.csv", name="productivity_export", include_in_schema=False)
def productivity_csv(
    session: DbSession, actor: CurrentActor, since: Day = None, until: Day = None
) -> Response:
    """The table as CSV (formula-safe cells)."""
    start, end, rows = _rows(session, actor, since, until)
    out = io.StringIO()
    write_rows(out, ([getattr(r, c) for c in COLUMNS] for r in rows), header=COLUMNS)
    headers = {"content-disposition": f'attachment; filename="callqa-productivity-{start}-{end}.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/api/productivity", tags=["review queues"])
def productivity_api(
    session: DbSession, actor: CurrentActor, since: Day = None, until: Day = None
) -> dict[str, Any]:
    """Per analyst over the days ``since`` – ``until`` (both included; default the last 30 days): reviews
    shared, median and p90 minutes per review, share of criteria changed from the AI, disputes and upheld."""
    start, end, rows = _rows(session, actor, since, until)
    return {
        "since": start.isoformat(),
        "until": end.isoformat(),
        "cap_minutes": CAP_MINUTES,
        "analysts": [r.as_json() for r in rows],
    }
