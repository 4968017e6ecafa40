"""The monthly QA – team-lead meeting pack of a team: a page, the API, and CSV / Markdown / PDF downloads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.reports.render import report_pdf
from callqa.training.assignments import all_agents
from callqa.training.meeting_pack import MeetingPack, as_csv, as_html, as_markdown, meeting_pack
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["training"])

Team = Annotated[str, Query(max_length=255, description="the team's name")]
Month = Annotated[str, Query(max_length=7, description="YYYY-MM (default: the previous month)")]
Format = Annotated[str, Path(max_length=4, pattern="^(csv|md|pdf)$")]


def _previous_month(request: Request) -> str:
    today = datetime.now(request.app.state.settings.zone()).date()
    first = today.replace(day=1)
    return f"{first.year - (first.month == 1)}-{(first.month - 2) % 12 + 1:02d}"


def _pack(request: Request, session: Session, actor: Actor, team: str, month: str) -> MeetingPack:
    require(actor, Action.MEETING_PACK, Owner(agent=None, team=team.strip()))
    with refusals():
        pack = meeting_pack(
            session, team, month or _previous_month(request), request.app.state.settings.zone()
        )
    audit(request, session, actor, "view", "meeting_pack", None, {"team": pack.team, "month": pack.month})
    return pack


@api.get("/training/meeting-pack")
def meeting_pack_json(
    request: Request, session: DbSession, actor: CurrentActor, team: Team, month: Month = ""
) -> dict[str, Any]:
    """A team's month for the QA – team-lead meeting: recurring failures (criterion × contact reason, with
    the previous month's count), classes held, practice per agent, assignments, coaching follow-ups.
    Supervisors get their own teams' packs, staff any."""
    return _pack(request, session, actor, team, month).as_json()


@pages.get("/training/meeting-pack", name="meeting_pack_page")
def meeting_pack_page(
    request: Request, session: DbSession, actor: CurrentActor, team: Team = "", month: Month = ""
) -> Response:
    require(actor, Action.MEETING_PACK)
    teams = sorted({a.team for a in all_agents(session) if a.team})
    teams = [t for t in teams if allowed(actor, Action.MEETING_PACK, Owner(agent=None, team=t))]
    chosen = team or (teams[0] if teams else "")
    pack = _pack(request, session, actor, chosen, month) if chosen else None
    context = {"pack": pack, "teams": teams, "team": chosen, "month": month or _previous_month(request)}
    return render(request, "training/meeting_pack.html", context)


@pages.get("/training/meeting-pack.{fmt}", name="meeting_pack_download")
def meeting_pack_download(
    request: Request, session: DbSession, actor: CurrentActor, fmt: Format, team: Team, month: Month = ""
) -> Response:
    pack = _pack(request, session, actor, team, month)
    name = f"meeting-pack-{pack.team}-{pack.month}".replace(" ", "-").replace('"', "")
    if fmt == "csv":
        body: str | bytes = as_csv(pack)
        media = "text/csv; charset=utf-8"
    elif fmt == "md":
        body, media = as_markdown(pack), "text/markdown; charset=utf-8"
    else:
        with refusals(status=503):
            body = report_pdf(as_html(pack))
        media = "application/pdf"
    disposition = f"attachment; filename*=UTF-8''{quote(name, safe='')}.{fmt}"
    return Response(body, media_type=media, headers={"content-disposition": disposition})
