"""Insights: the dashboards page (centre, team, agent) and the same figures as JSON for BI tools."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from callqa.insights import dashboard
from callqa.insights.board import WEEKDAYS, Drill, dashboard_view
from callqa.insights.dashboard import DashboardFilter, Totals
from callqa.insights.refresh import refreshed_at
from callqa.web.deps import CurrentActor, DbSession, audit
from callqa.web.insights_view import PERIODS, read_filter
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/insights", tags=["insights"])


def _filter(request: Request, session: DbSession, actor: CurrentActor) -> DashboardFilter:
    settings = request.app.state.settings
    today = datetime.now(settings.zone()).date()
    return read_filter(
        session, actor, request.query_params, today=today, low_score=settings.insights_low_score
    )


@pages.get("/insights", name="insights_page")
def insights_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    flt = _filter(request, session, actor)
    settings = request.app.state.settings
    drill = Drill(flt, settings.zone(), settings.insights_scorecard)
    audit(request, session, actor, "view", "insights", None, _described(flt))
    context = {
        **dashboard_view(session, flt, drill),
        "flt": flt,
        "periods": PERIODS,
        "teams": dashboard.teams_in(session, flt) if actor.role.value != "agent" else [],
        "refreshed_at": (lambda at: at.astimezone(settings.zone()) if at else None)(refreshed_at(session)),
        "zone": settings.timezone,
    }
    return render(request, "insights.html", context)


def _described(flt: DashboardFilter) -> dict[str, str]:
    return {k: str(v) for k, v in asdict(flt).items() if v is not None and k not in ("teams", "low_score")}


def _totals(t: Totals) -> dict[str, Any]:
    return {
        **asdict(t),
        "mean_score": t.mean_score,
        "low_rate": t.low_rate,
        "auto_fail_rate": t.auto_fail_rate,
        "mean_csat": t.mean_csat,
        "mean_handle_s": t.mean_handle_s,
    }


@api.get("/dashboard")
def dashboard_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Every dashboard figure for the filter (`since`, `until` or `period` days, `team`, `agent`,
    `channel`), within the caller's scope; days are the centre's local days."""
    flt = _filter(request, session, actor)
    audit(request, session, actor, "view", "insights", None, _described(flt))
    heat = dashboard.heat_map(session, flt)
    return {
        "filter": _described(flt),
        "refreshed_at": (lambda at: at.isoformat() if at else None)(refreshed_at(session)),
        "totals": _totals(dashboard.summary(session, flt)),
        "trend": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), **_totals(p.totals)}
            for p in dashboard.trend(session, flt)
        ],
        "criteria": [
            {**asdict(r), "fail_rate": r.fail_rate} for r in dashboard.criterion_rates(session, flt)
        ],
        "score_distribution": dashboard.score_distribution(session, flt),
        "volume": {
            key: [{"value": v, **_totals(t)} for v, t in dashboard.volume(session, flt, key)]
            for key in dashboard.VOLUME_KEYS
        },
        "heat_map": [
            {"weekday": WEEKDAYS[d], "hour": h, **_totals(heat.cells[d][h])}
            for d in range(7)
            for h in range(24)
            if heat.cells[d][h].n
        ],
        "agents": [
            {"agent": a.agent, "team": a.team, **_totals(a.totals)} for a in dashboard.agents(session, flt)
        ]
        if flt.agent is None
        else [],
    }
