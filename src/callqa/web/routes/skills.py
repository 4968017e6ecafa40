"""Skill profiles and routing recommendations: the pages under /operations and the API (JSON, CSV and the
routing-system exports). Every agent sees their own skill levels; rankings and exports are for supervisors
(their teams), analysts and admins."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.core.i18n import translations
from callqa.core.import_report import ImportReport
from callqa.skills import routing_ids_service as ids_service
from callqa.skills import service
from callqa.skills.exports import FORMATS, export
from callqa.skills.profiles import KINDS, Profiles, SkillCell, SkillQuery, build_profiles, explain
from callqa.skills.routing import MIN_EVIDENCE, Routing, recommend
from callqa.skills.routing_ids import SYSTEMS
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render, request_locale

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["skills"])

Agent = Annotated[str | None, Query(max_length=255, description="only this agent")]
Team = Annotated[str | None, Query(max_length=255, description="only this team's agents")]
Queue = Annotated[str | None, Query(max_length=255, description="only this queue")]
Since = Annotated[
    date | None, Query(description="first local day measured (default: 90 days before the last)")
]
Until = Annotated[date | None, Query(description="last local day measured (default: the last with data)")]


def _query(
    session: Session,
    actor: Actor,
    since: date | None,
    until: date | None,
    team: str | None,
    agent: str | None,
) -> SkillQuery:
    """The checked query narrowed to the caller's scope; a team or agent they may not see is a 403."""
    if team or agent:
        require(actor, Action.SKILL_VIEW, service.owner_of(session, agent or None, team or None))
    with refusals():
        query = service.checked(since, until, team=team or None, agent=agent or None)
    return service.with_default_period(session, service.narrowed(query, actor))


def _say(request: Request, titles: Mapping[str, str]) -> Callable[[SkillCell], str]:
    """A cell's sentence in the page's language, reasons named by their titles."""
    gettext = translations(request_locale(request)).gettext
    return lambda cell: explain(cell, gettext, titles)


def _cells(
    session: Session,
    actor: Actor,
    filters: tuple[date | None, date | None, str | None, str | None],
    kind: str | None,
) -> tuple[SkillQuery, Profiles, list[SkillCell], dict[str, str]]:
    """The query the caller may ask (``filters``: since, until, team, agent), its profiles, the cells of
    ``kind`` (None: all) and their reasons' titles; an unknown kind or agent is a coded 422."""
    require(actor, Action.SKILL_VIEW)
    query = _query(session, actor, *filters)
    with refusals():
        service.check_agent(session, query)
        profiles = build_profiles(session, query)
        cells = service.of_kind(profiles, kind)
    return query, profiles, cells, service.cell_titles(session, cells)


def _routing(
    session: Session, actor: Actor, since: date | None, until: date | None, queue: str | None
) -> Routing:
    require(actor, Action.ROUTING_VIEW)
    query = _query(session, actor, since, until, None, None)
    with refusals():
        return recommend(session, query, queue=queue or None)


# ---- API


@api.get("/skills", response_model=None)
def api_skills(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    agent: Agent = None,
    team: Team = None,
    kind: Annotated[str | None, Query(max_length=16, description=f"one of {', '.join(KINDS)}")] = None,
    since: Since = None,
    until: Until = None,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> dict[str, Any] | Response:
    """Skill cells (agent × reason × language × channel and the roll-ups) with n, QA score and interval,
    CSAT measured and predicted, recontact, handle time against the baseline, level 1–5 and its sentence.
    Agents get their own cells only; `format=csv` (supervisors, analysts, admins) is audited."""
    query, profiles, cells, titles = _cells(session, actor, (since, until, team, agent), kind)
    if format == "csv":
        require(actor, Action.SKILL_EXPORT)
        audit(request, session, actor, "export", "skills", None, {"kind": kind, "rows": len(cells)})
        headers = {"content-disposition": 'attachment; filename="skills.csv"'}
        body = service.cells_csv(cells, titles)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return {
        "period": {"first": query.first, "last": query.last},
        "baselines": [
            {"reason": r, "channel": c, "seconds": s} for (r, c), s in sorted(profiles.baselines.items())
        ],
        "cells": [service.cell_row(c, titles) for c in cells],
    }


@api.get("/routing")
def api_routing(
    session: DbSession,
    actor: CurrentActor,
    queue: Queue = None,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Per queue and contact reason: the agents ranked (at least the minimum evidence), the level to set for
    each, their share of the reason under the recommendation, and today's and the expected QA score, CSAT,
    recontact and handle time (× the baseline). Supervisors: their teams' agents; not for agents."""
    routing = _routing(session, actor, since, until, queue)
    return service.routing_json(routing, service.routing_titles(session, routing))


@api.get("/routing/export")
def api_routing_export(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    format: Annotated[str, Query(max_length=32, description="a routing-system format")] = "csv",
    system: Annotated[
        str | None, Query(max_length=32, description="whose stored user ids fill the CSV's external_id")
    ] = None,
    queue: Queue = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    """The skill levels to set, as a file a routing system imports (formats: GET /api/routing/formats), with
    the routing system's stored ids (GET /api/routing/ids); agents and queues with none are listed as
    unmapped in the JSON formats."""
    require(actor, Action.SKILL_EXPORT)
    routing = _routing(session, actor, since, until, queue)
    assignments = routing.assignments()
    with refusals():
        made = export(format, assignments, ids=ids_service.ids_for_format(session, format, system or None))
    audit(
        request,
        session,
        actor,
        "export",
        "routing",
        None,
        {"format": format, "queue": queue, "rows": len(assignments)},
    )
    headers = {"content-disposition": f'attachment; filename="{made.filename}"'}
    return Response(made.body, media_type=made.media_type, headers=headers)


@api.get("/routing/formats")
def api_routing_formats(actor: CurrentActor) -> dict[str, list[str]]:
    """The export formats routing systems import."""
    require(actor, Action.SKILL_EXPORT)
    return {"formats": sorted(FORMATS)}


# ---- pages


@pages.get("/operations/skills", name="skills_page")
def skills_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    agent: Agent = None,
    team: Team = None,
    kind: Annotated[str, Query(max_length=16)] = "reason",
    since: Since = None,
    until: Until = None,
) -> Response:
    """The skill table: levels with intervals and the sentence behind each, filters and a CSV link."""
    query, _, cells, titles = _cells(session, actor, (since, until, team, agent), kind)
    context = {
        "cells": cells,
        "kind": kind,
        "kinds": KINDS,
        "filters": {"agent": agent or "", "team": team or "", "since": since or "", "until": until or ""},
        "period": (query.first, query.last),
        "may_export": allowed(actor, Action.SKILL_EXPORT),
        "may_route": allowed(actor, Action.ROUTING_VIEW),
        "titles": titles,
        "say": _say(request, titles),
    }
    return render(request, "skills.html", context)


@pages.get("/operations/routing", name="routing_page")
def routing_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    queue: Queue = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    """Per queue the ranked agents, the levels to set, the expected effect and the export links; the
    routing-system ids (admins change them)."""
    return routing_page_for(request, session, actor, queue, since, until)


def routing_page_for(
    request: Request,
    session: Session,
    actor: Actor,
    queue: str | None = None,
    since: date | None = None,
    until: date | None = None,
    *,
    ids_error: str | None = None,
    ids_report: ImportReport | None = None,
    ids_warnings: tuple[str, ...] = (),
) -> Response:
    """The routing page, with what a change to the routing-system ids gave (an error: status 422)."""
    routing = _routing(session, actor, since, until, queue)
    titles = service.routing_titles(session, routing)
    may_export = allowed(actor, Action.SKILL_EXPORT)
    context = {
        "routing": routing,
        "queue": queue or "",
        "filters": {"since": since or "", "until": until or ""},
        "period": (routing.query.first, routing.query.last),
        "formats": sorted(FORMATS),
        "min_evidence": MIN_EVIDENCE,
        "may_export": may_export,
        "titles": titles,
        "say": _say(request, titles),
        "routing_ids": service.visible_ids(session, actor, ids_service.list_ids(session))
        if may_export
        else [],
        "id_systems": {name: sorted(shapes) for name, shapes in SYSTEMS.items()},
        "may_manage_ids": allowed(actor, Action.ROUTING_IDS_MANAGE),
        "ids_error": ids_error,
        "ids_report": ids_report,
        "ids_warnings": ids_warnings,
    }
    return render(request, "routing.html", context, 422 if ids_error else 200)
