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
from callqa.core.errors import ErrorCode
from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.reweight import Reweighting, report_json, reweighting, verdict
from callqa.insights.reweight_draft import draft_version
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


def _report(
    request: Request, session: DbSession, actor: Actor, params: Mapping[str, str]
) -> tuple[InteractionQuery, Reweighting]:
    settings = request.app.state.settings
    today = datetime.now(settings.zone()).date()
    flt = read_dashboard_filter(session, actor, params, today=today)
    name = (params.get("scorecard") or "").strip() or settings.insights_scorecard
    vocabulary = request.app.state.runtime.scorecards.vocabulary
    with refusals(missing=[ErrorCode.O160]):
        return flt, reweighting(session, name, flt, vocabulary=vocabulary)


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
    the suggested weight and a sentence; the held-out correlation of the score with CSAT before and after."""
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
    params = {k: v for k, v in body.model_dump(exclude={"base_hash"}).items() if v is not None}
    row = _draft(request, session, actor, params, body.base_hash)
    return {"name": row.name, "version": row.version, "origin": row.origin, "source": row.source}


@pages.get("/operations/standards", name="standards_page")
def standards_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.STANDARDS_VIEW)
    flt, report = _report(request, session, actor, request.query_params)
    audit(
        request, session, actor, "view", "standards", None, {"scorecard": report.scorecard, **flt.as_params()}
    )
    gettext = gettext_for(request, actor)
    context = {
        "flt": flt,
        "period": report.days,
        "periods": PERIODS,
        "teams": dashboard.teams_in(session, flt),
        "names": list(editing.versions(session)),
        "report": report,
        "sentences": [verdict(s, report.strongest, report.policy, gettext) for s in report.criteria],
        "can_apply": allowed(actor, Action.STANDARDS_APPLY),
    }
    return render(request, "operations_standards.html", context)


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
) -> Response:
    """The page's "Create draft version" button: the draft, then its page in the scorecard editor."""
    fields = {"scorecard": scorecard, "since": since, "until": until, "team": team, "channel": channel}
    row = _draft(request, session, actor, {k: v for k, v in fields.items() if v}, base_hash)
    return RedirectResponse(f"/scorecards/{row.name}?version={row.version}", status_code=303)
