"""Insights: the dashboards page (centre, team, agent) and the same figures as JSON for BI tools."""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from callqa.core.csvfile import write_records
from callqa.core.query import BASES, InteractionQuery
from callqa.insights import dashboard
from callqa.insights.causes import DIMENSIONS, UnknownOutcome, root_causes
from callqa.insights.contact_reasons import baselines, reason_titles, reason_volumes
from callqa.insights.csat import criterion_effects
from callqa.insights.csat import overview as csat_overview
from callqa.insights.dashboard import Totals, period
from callqa.insights.drivers import Driver
from callqa.insights.refresh import csat_model_summary, refreshed_at
from callqa.insights.topics import Topic, discover, unrecognised
from callqa.ml.embeddings import get_embedder
from callqa.views.board import WEEKDAYS, Drill, csat_view, dashboard_view, driver_link, reasons_view
from callqa.views.goals import dashboard_goals, target_line
from callqa.views.sentences import outcome_names
from callqa.web.deps import CurrentActor, DbSession, audit
from callqa.web.filters import PERIODS, read_dashboard_filter
from callqa.web.render import render, request_weekdays
from callqa.web.routes.goals import gettext_for

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/insights", tags=["insights"])


def _filter(request: Request, session: DbSession, actor: CurrentActor) -> InteractionQuery:
    settings = request.app.state.settings
    today = datetime.now(settings.zone()).date()
    return read_dashboard_filter(session, actor, request.query_params, today=today)


def _official_filter(request: Request, session: DbSession, actor: CurrentActor) -> InteractionQuery:
    """The filter of a page that reads official scores only (root causes, QA vs CSAT, contact reasons)."""
    flt = _filter(request, session, actor)
    if flt.basis not in (None, "final"):
        raise HTTPException(
            422, f"basis: '{flt.basis}' is shown on the dashboard; this page reads official scores"
        )
    return flt


def _viewed(
    request: Request, session: DbSession, actor: CurrentActor, what: str, *, official: bool = True
) -> tuple[InteractionQuery, Drill]:
    """The page's filter (audited as a view of ``what``) and its drill-down link builder."""
    flt = (_official_filter if official else _filter)(request, session, actor)
    audit(request, session, actor, "view", what, None, _described(flt))
    return flt, _drill(request, flt)


def _drill(request: Request, flt: InteractionQuery) -> Drill:
    settings = request.app.state.settings
    return Drill(flt, settings.zone(), settings.insights_scorecard, low_score=settings.insights_low_score)


def _frame(session: DbSession, actor: CurrentActor, flt: InteractionQuery) -> dict[str, Any]:
    """What every insights page's heading and filter form need."""
    teams = dashboard.teams_in(session, flt) if actor.role.value != "agent" else []
    return {"flt": flt, "period": period(flt), "periods": PERIODS, "teams": teams}


@pages.get("/insights", name="insights_page")
def insights_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    flt, drill = _viewed(request, session, actor, "insights", official=False)
    settings = request.app.state.settings
    official = _described(flt.but(basis=None))  # the other pages read official scores
    gettext = gettext_for(request, actor)
    goal_lines = dashboard_goals(session, flt, gettext)
    context = {
        **dashboard_view(
            session,
            flt,
            drill,
            target_line(goal_lines, gettext),
            weekdays=request_weekdays(request),
            gettext=gettext,
        ),
        "goal_lines": goal_lines,
        **_frame(session, actor, flt),
        "refreshed_at": (lambda at: at.astimezone(settings.zone()) if at else None)(refreshed_at(session)),
        "zone": settings.timezone,
        "causes_href": request.url_for("causes_page").include_query_params(**official),
        "csat_href": request.url_for("csat_page").include_query_params(**official),
        "reasons_href": request.url_for("reasons_page").include_query_params(**official),
        "report_pdf_href": request.url_for("report_pdf").include_query_params(**official),
        "report_html_href": request.url_for("report_html").include_query_params(**official),
        "bases": BASES,
    }
    return render(request, "insights.html", context)


def _described(flt: InteractionQuery) -> dict[str, str]:
    """The query as the page's own parameters: local days ``since``..``until``, team, agent, channel."""
    days = period(flt)
    return {"since": days.first.isoformat(), "until": days.last.isoformat(), **flt.as_params()}


def _totals(t: Totals) -> dict[str, Any]:
    return {
        **asdict(t),
        "mean_score": t.mean_score,
        "low_rate": t.low_rate,
        "auto_fail_rate": t.auto_fail_rate,
        "mean_csat": t.mean_csat,
        "mean_predicted_csat": t.mean_predicted_csat,
        "mean_handle_s": t.mean_handle_s,
    }


@api.get("/dashboard")
def dashboard_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Every dashboard figure for the filter (`since`, `until` or `period` days, `team`, `agent`,
    `channel`), within the caller's scope; days are the centre's local days. `basis`: `final` (official
    scores, the default), `ai` (the AI's own scores) or `reviewed` (only interactions people reviewed)."""
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


def _causes(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    flt = _official_filter(request, session, actor)
    key = request.query_params.get("outcome", "").strip() or "low_score"
    try:
        what, counts, drivers = root_causes(session, flt, key)
    except UnknownOutcome as exc:
        raise HTTPException(422, str(exc)) from None
    drill = _drill(request, flt)
    audit(request, session, actor, "view", "root_causes", None, {**_described(flt), "outcome": key})
    return {
        "flt": flt,
        "outcome": what,
        "tally": counts,
        "drivers": drivers,
        "links": [driver_link(drill, d, key) for d in drivers],
    }


def _driver_json(d: Driver, label: str, link: str | None) -> dict[str, Any]:
    return {**asdict(d), "finding": d.finding(label), "interactions": link}


@pages.get("/insights/causes", name="causes_page")
def causes_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    found = _causes(request, session, actor)
    criteria = [r.criterion for r in dashboard.criterion_rates(session, found["flt"])]
    context = {
        **_frame(session, actor, found["flt"]),
        **found,
        "outcomes": outcome_names(criteria, gettext_for(request, actor)),
        "dimensions": DIMENSIONS,
    }
    return render(request, "insights_causes.html", context)


@api.get("/causes")
def causes_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Root causes of `outcome` (low_score, auto_failed, low_csat, long_handle, recontact or
    failed:<criterion>) across hour, weekday, queue, team, agent, tenure, contact reason, language and
    channel, with effect sizes and Benjamini–Hochberg-adjusted p-values; same filter as the dashboard."""
    found = _causes(request, session, actor)
    label = found["outcome"].label
    return {
        "filter": _described(found["flt"]),
        "outcome": found["outcome"].key,
        "label": label,
        "interactions": found["tally"].total,
        "with_outcome": found["tally"].positives,
        "drivers": [
            _driver_json(d, label, link) for d, link in zip(found["drivers"], found["links"], strict=True)
        ],
    }


CSV_FIELDS = (
    "finding",
    "dimension",
    "value",
    "n",
    "hits",
    "rate",
    "rest_rate",
    "difference",
    "low",
    "high",
    "lift",
    "p",
    "q",
)


@api.get("/causes.csv")
def causes_csv(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The same findings as CSV (one row per driver), for a spreadsheet or a BI tool."""
    found = _causes(request, session, actor)
    out = io.StringIO()
    write_records(out, (_driver_json(d, found["outcome"].label, None) for d in found["drivers"]), CSV_FIELDS)
    name = f"root-causes-{found['outcome'].key.replace(':', '-')}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@pages.get("/insights/csat", name="csat_page")
def csat_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    flt, drill = _viewed(request, session, actor, "qa_csat")
    context = {
        **csat_view(session, flt, drill, gettext_for(request, actor)),
        **_frame(session, actor, flt),
        "model_summary": csat_model_summary(session),
        "totals": dashboard.summary(session, flt),
    }
    return render(request, "insights_csat.html", context)


@api.get("/csat")
def csat_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """QA against CSAT (1–5 scale) for the filter: Pearson and Spearman with 95 % intervals, the quadrants
    (compliant or not × happy 4–5 or unhappy 1–2), mean CSAT per score band, and each criterion's CSAT
    effect (difference of means with its interval, Cliff's delta, Benjamini–Hochberg q)."""
    flt = _official_filter(request, session, actor)
    audit(request, session, actor, "view", "qa_csat", None, _described(flt))
    seen = csat_overview(session, flt)
    return {
        "filter": _described(flt),
        "n": seen.n,
        "pearson": asdict(seen.pearson) if seen.pearson else None,
        "spearman": asdict(seen.spearman) if seen.spearman else None,
        "quadrants": seen.quadrants,
        "neutral": seen.neutral,
        "by_score": [{"from": s, "n": n, "mean_csat": m} for s, n, m in seen.by_score],
        "criteria": [{**asdict(e), "moves_csat": e.moves_csat} for e in criterion_effects(session, flt)],
        "predicted": {"model": csat_model_summary(session), **_totals(dashboard.summary(session, flt))},
    }


@pages.get("/insights/reasons", name="reasons_page")
def reasons_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    flt, drill = _viewed(request, session, actor, "contact_reasons")
    found = reason_volumes(session, flt)
    titles = reason_titles(session, [v.reason for v in found])
    context = {
        **reasons_view(session, flt, drill, titles, gettext_for(request, actor)),
        **_frame(session, actor, flt),
        "titles": titles,
    }
    return render(request, "insights_reasons.html", context)


@api.get("/reasons")
def reasons_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Contact reasons for the filter: volume, share and its change against the previous period (with a
    Benjamini–Hochberg q: rising / falling / steady, or `new` when the previous period holds no interaction
    to compare with; `change` is then null), quality and CSAT, and handle-time baselines of good
    interactions per reason and channel with the count far from them."""
    flt = _official_filter(request, session, actor)
    audit(request, session, actor, "view", "contact_reasons", None, _described(flt))
    found = reason_volumes(session, flt)
    titles = reason_titles(session, [v.reason for v in found])
    return {
        "filter": _described(flt),
        "reasons": [
            {
                "reason": v.reason or None,
                "title": titles.get(v.reason),
                **_totals(v.totals),
                "share": v.share,
                "previous_share": v.previous_share,
                "change": v.change if v.compared else None,
                "q": v.q,
                "trend": v.trend,
            }
            for v in found
        ],
        "baselines": [asdict(b) for b in baselines(session, flt)],
    }


def _topics(
    request: Request, session: DbSession, actor: CurrentActor
) -> tuple[InteractionQuery, list[Topic]]:
    flt = _official_filter(request, session, actor)
    audit(request, session, actor, "view", "topics", None, _described(flt))
    statements = unrecognised(session, flt)
    days = period(flt)
    return flt, discover(statements, get_embedder().embed, days.first, days.last)


@pages.get("/insights/topics", name="topics_page")
def topics_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    flt, found = _topics(request, session, actor)
    return render(request, "insights_topics.html", {"flt": flt, "period": period(flt), "topics": found})


@api.get("/topics")
def topics_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Topics among the period's latest 400 statements that matched no contact reason: size, distinctive
    words, the statements closest to each topic's centre, and whether it is emerging (most of it in the
    last quarter of the period)."""
    flt, found = _topics(request, session, actor)
    return {
        "filter": _described(flt),
        "topics": [
            {
                "size": t.size,
                "terms": list(t.terms),
                "emerging": t.emerging,
                "recent_share": t.recent_share,
                "examples": [
                    {"interaction_id": e.interaction_id, "day": e.day.isoformat(), "text": e.text}
                    for e in t.examples
                ],
            }
            for t in found
        ],
    }
