"""Scorecards in the web app: versions, the YAML editor with live validation, a preview on one interaction,
saving a new version."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callqa.access.policies import Action, Owner, allowed
from callqa.analysis.defaults import build_pipeline
from callqa.calibration.service import agreed_guidance
from callqa.interactions.models import InteractionRow
from callqa.scoring import editing
from callqa.scoring.detectors import Services
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["scorecards"])


class DraftIn(BaseModel):
    yaml: str = Field(description="the scorecard YAML")


class PreviewIn(DraftIn):
    interaction_id: int


@api.post("/scorecards/validate")
def validate(actor: CurrentActor, body: DraftIn) -> dict[str, Any]:
    """Check a draft: ``{valid, errors[], name, criteria}`` (each error is coded and says where)."""
    require(actor, Action.SCORECARD_VIEW)
    card, errors = editing.check(body.yaml)
    if card is None:
        return {"valid": False, "errors": errors}
    return {"valid": True, "errors": [], "name": card.name, "criteria": [c.spec.id for c in card.criteria]}


@api.post("/scorecards/preview")
def preview(request: Request, session: DbSession, actor: CurrentActor, body: PreviewIn) -> dict[str, Any]:
    """Score one stored interaction with the draft, storing nothing."""
    require(actor, Action.SCORECARD_EDIT)
    row = session.get(InteractionRow, body.interaction_id)
    if row is None or not allowed(actor, Action.INTERACTION_VIEW, Owner(row.agent, row.team)):
        raise HTTPException(404, "not found")
    card, errors = editing.check(body.yaml)
    if card is None:
        raise HTTPException(422, errors[0])
    if not hasattr(request.app.state, "pipeline"):
        request.app.state.pipeline = build_pipeline()
    result = editing.preview(
        session, card, body.interaction_id, pipeline=request.app.state.pipeline, services=Services()
    )
    return {
        "scorecard": card.name,
        "score": result.score,
        "auto_failed": result.auto_failed,
        "passed": result.passed,
        "criteria": [r.as_json() for r in result.results],
    }


@api.post("/scorecards", status_code=201)
def save(request: Request, session: DbSession, actor: CurrentActor, body: DraftIn) -> dict[str, Any]:
    """Store the draft; a changed text becomes the next version (``callqa score --rescore`` applies it)."""
    require(actor, Action.SCORECARD_EDIT)
    card, errors = editing.check(body.yaml)
    if card is None:
        raise HTTPException(422, errors[0])
    with refusals():
        row = editing.save(session, card)
    audit(request, session, actor, "save", "scorecard", row.id, {"name": row.name, "version": row.version})
    return {"name": row.name, "version": row.version}


@pages.get("/scorecards", name="scorecards_page")
def list_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.SCORECARD_VIEW)
    return render(request, "scorecards.html", {"cards": editing.versions(session)})


@pages.get("/scorecards/{name}", name="scorecard_page")
def card_page(
    request: Request, session: DbSession, actor: CurrentActor, name: str, version: int | None = None
) -> Response:
    require(actor, Action.SCORECARD_VIEW)
    cards = editing.versions(session)
    if name not in cards:
        raise HTTPException(404, "not found")
    context = {
        "name": name,
        "versions": cards[name],
        "version": version,
        "source": editing.source_of(session, name, version),
        "can_edit": allowed(actor, Action.SCORECARD_EDIT),
        "guidance": agreed_guidance(session, name),
    }
    return render(request, "scorecard.html", context)
