"""QA standards against what customers care about: the page ``/operations/standards``, its figures as JSON
(``/api/insights/reweighting``) and the action that saves the suggested weights as a draft scorecard
version (published, as every version, by saving it in the scorecard editor)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from callqa.access.policies import Action, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.dashboard import period
from callqa.insights.reweight import Reweighting, report_json, verdict
from callqa.insights.reweight_cache import ReportCache
from callqa.insights.reweight_draft import draft_version
from callqa.insights.reweight_weights import CONTROLS, Policy, policy_from
from callqa.scoring import editing
from callqa.scoring.models import ScorecardRow
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.filters import PERIODS, read_dashboard_filter
from callqa.web.render import render
from callqa.web.routes.goals import gettext_for

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/insights", tags=["insights"])


class DraftIn(BaseModel):
    scorecard: str | None = Field(None, description="the scorecard (default: the insights scorecard)")
    base_hash: str = Field(description="the report's base_hash: refused (409) if the scorecard changed since")
    since: str | None = Field(None, description="first local day, YYYY-MM-DD (as the report was asked)")
    until: str | None = Field(None, description="last local day, YYYY-MM-DD")
    team: str | None = None
    channel: str | None = None
    blend: float | None = Field(None, description="as the report was asked (default 0.5)")
    factor: float | None = Field(None, description="as the report was asked (default 2)")
    floor: float | None = Field(None, description="as the report was asked (default 0.02)")


def _filter(
    request: Request, session: DbSession, actor: Actor, params: Mapping[str, str]
) -> InteractionQuery:
    today = datetime.now(request.app.state.settings.zone()).date()
    return read_dashboard_filter(session, actor, params, today=today)


def _name(request: Request, params: Mapping[str, str]) -> str:
    return (params.get("scorecard") or "").strip() or request.app.state.settings.insights_scorecard


def _computed(
    request: Request, session: DbSession, flt: InteractionQuery, name: str, policy: Policy
) -> Reweighting:
    """The report, from the app's cache when nothing it depends on changed (insights.reweight_cache)."""
    cache: ReportCache = request.app.state.reweight_reports
    vocabulary = request.app.state.runtime.scorecards.vocabulary
    with refusals(missing=[ErrorCode.O160]):
        return cache.report(session, name, flt, policy=policy, vocabulary=vocabulary)


def _report(
    request: Request, session: DbSession, actor: Actor, params: Mapping[str, str]
) -> tuple[InteractionQuery, Reweighting]:
    flt = _filter(request, session, actor, params)
    with refusals():
        policy = policy_from(params)
    return flt, _computed(request, session, flt, _name(request, params), policy)


def _draft(
    request: Request, session: DbSession, actor: Actor, params: Mapping[str, str], base_hash: str
) -> ScorecardRow:
    require(actor, Action.STANDARDS_APPLY)
    _, report = _report(request, session, actor, params)
    if report.base_hash != base_hash:
        raise HTTPException(409, f"scorecard '{report.scorecard}' changed since this suggestion: look again")
    vocabulary = request.app.state.runtime.scorecards.vocabulary
    with refusals(conflicts=[ErrorCode.O161]):
        row = draft_version(session, report, vocabulary=vocabulary)
    detail = {
        "name": row.name,
        "version": row.version,
        "base": report.version,
        "since": report.days.first.isoformat(),
        "until": report.days.last.isoformat(),
        "weights": report.weights(),
    }
    audit(request, session, actor, "reweight_draft", "scorecard", row.id, detail)
    return row


@api.get("/reweighting")
def reweighting_json(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Each criterion of `scorecard` (default: the insights scorecard) with its weight, its effect on CSAT
    and on recontact over the period (`since`/`until` or `period`, `team`, `channel`; a supervisor's teams),
    the suggested weight and a sentence; the held-out correlation of the score with CSAT before and after.
    `blend`, `factor`, `floor` bound the suggestion (422, O163, when out of bounds)."""
    require(actor, Action.STANDARDS_VIEW)
    flt, report = _report(request, session, actor, request.query_params)
    audit(
        request, session, actor, "view", "standards", None, {"scorecard": report.scorecard, **flt.as_params()}
    )
    return report_json(report, gettext_for(request, actor))


@api.post("/reweighting", status_code=201)
def reweighting_draft(
    request: Request, session: DbSession, actor: CurrentActor, body: DraftIn
) -> dict[str, Any]:
    """Save the suggestion (recomputed over the same period and filters) as a DRAFT version of the
    scorecard: scoring does not use it until a person saves it in the scorecard editor; nothing is
    re-scored. 409 when the scorecard changed since `base_hash`; 422 when no weight would change."""
    params = {k: str(v) for k, v in body.model_dump(exclude={"base_hash"}).items() if v is not None}
    row = _draft(request, session, actor, params, body.base_hash)
    return {"name": row.name, "version": row.version, "origin": row.origin, "source": row.source}


@pages.get("/operations/standards", name="standards_page")
def standards_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The criteria's weights beside their measured effects, the suggestion, the controls that bound it
    (blend, factor, floor: a bad value is shown on the page, coded O163) and the draft button."""
    require(actor, Action.STANDARDS_VIEW)
    params = request.query_params
    flt, name = _filter(request, session, actor, params), _name(request, params)
    report: Reweighting | None = None
    try:
        policy = policy_from(params)
    except CallqaError as exc:
        error: str | None = str(exc)
    else:
        error = None
        report = _computed(request, session, flt, name, policy)
        audit(request, session, actor, "view", "standards", None, {"scorecard": name, **flt.as_params()})
    gettext = gettext_for(request, actor)
    shown = report.policy if report else Policy()
    context = {
        "flt": flt,
        "scorecard": name,
        "period": report.days if report else period(flt),
        "periods": PERIODS,
        "teams": dashboard.teams_in(session, flt),
        "names": list(editing.versions(session)),
        "report": report,
        "error": error,
        "controls": {c: params.get(c, f"{getattr(shown, c):g}") for c in CONTROLS},
        # the controls' own form keeps the view as it is (a custom since–until included)
        "keep": [(k, v) for k, v in params.multi_items() if k not in CONTROLS],
        "sentences": [verdict(s, report.strongest, report.policy, gettext) for s in report.criteria]
        if report
        else [],
        "can_apply": allowed(actor, Action.STANDARDS_APPLY),
    }
    return render(request, "operations_standards.html", context, 422 if error else 200)


Field_ = Annotated[str, Form()]


@pages.post("/operations/standards/draft", name="standards_draft")
def standards_draft(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    base_hash: Field_,
    scorecard: Field_ = "",
    since: Field_ = "",
    until: Field_ = "",
    team: Field_ = "",
    channel: Field_ = "",
    blend: Field_ = "",
    factor: Field_ = "",
    floor: Field_ = "",
) -> Response:
    """The page's "Create draft version" button: the draft (with the controls' policy), then its page in
    the scorecard editor."""
    fields = {"scorecard": scorecard, "since": since, "until": until, "team": team, "channel": channel}
    fields |= {"blend": blend, "factor": factor, "floor": floor}
    row = _draft(request, session, actor, {k: v for k, v in fields.items() if v}, base_hash)
    return RedirectResponse(f"/scorecards/{row.name}?version={row.version}", status_code=303)
