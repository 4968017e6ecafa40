"""Scorecards in the web app: versions, the YAML editor with live validation, a preview on one interaction,
saving a new version, and re-scoring the stored interactions with it (a job whose progress the page polls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callqa.access.policies import Action, Owner, allowed
from callqa.calibration.service import agreed_guidance
from callqa.core.background import Job
from callqa.interactions.models import InteractionRow
from callqa.review.carry import carry_reviews
from callqa.runtime import Runtime
from callqa.scoring import editing
from callqa.scoring.service import ScoreReport, score_stored
from callqa.web.deps import MAX_INT32, BodyId, CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["scorecards"])


class DraftIn(BaseModel):
    yaml: str = Field(description="the scorecard YAML")


class PreviewIn(DraftIn):
    interaction_id: BodyId


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
    runtime: Runtime = request.app.state.runtime
    card, errors = editing.check(body.yaml, runtime.scorecards.vocabulary)
    if card is None:
        raise HTTPException(422, errors[0])
    result = editing.preview(
        session, card, body.interaction_id, pipeline=runtime.pipeline, services=runtime.services
    )
    titles = {c.spec.id: c.spec.title for c in card.criteria}
    return {
        "scorecard": card.name,
        "score": result.score,
        "auto_failed": result.auto_failed,
        "passed": result.passed,
        "criteria": [{**r.as_json(), "title": titles[r.criterion]} for r in result.results],
    }


@api.post("/scorecards", status_code=201)
def save(request: Request, session: DbSession, actor: CurrentActor, body: DraftIn) -> dict[str, Any]:
    """Store the draft; a changed text becomes the next version, which scoring uses from now on (the CLI,
    live calls; stored interactions keep their evaluations until re-scored: ``POST .../rescore``)."""
    require(actor, Action.SCORECARD_EDIT)
    card, errors = editing.check(body.yaml, request.app.state.runtime.scorecards.vocabulary)
    if card is None:
        raise HTTPException(422, errors[0])
    with refusals():
        row = editing.save(session, card)
    audit(request, session, actor, "save", "scorecard", row.id, {"name": row.name, "version": row.version})
    return {"name": row.name, "version": row.version}


@api.post("/scorecards/{name}/rescore", status_code=202)
def rescore(request: Request, session: DbSession, actor: CurrentActor, name: str) -> dict[str, Any]:
    """Re-score every stored interaction with the scorecard's current version, in the background; poll
    ``GET /api/jobs/{id}`` for progress. One re-scoring runs at a time (409 while one does)."""
    require(actor, Action.SCORECARD_EDIT)
    runtime: Runtime = request.app.state.runtime
    jobs: dict[str, Job] = request.app.state.jobs
    if any(job.running and job.name.startswith("rescore ") for job in jobs.values()):
        raise HTTPException(409, "a re-scoring is already running")
    if name not in editing.versions(session):
        raise HTTPException(404, "not found")
    card = runtime.scorecards.current(name)

    def work(progress: Callable[[int, int | None], None]) -> ScoreReport:
        report = score_stored(
            runtime.factory,
            card,
            pipeline=runtime.pipeline,
            services=runtime.services,
            rescore=True,
            batch_size=runtime.config.scoring.batch_size,
            progress=progress,
            budget_s=runtime.config.scoring.item_budget_s,
        )
        with runtime.factory.begin() as session:
            carry_reviews(session, card.name)
        return report

    def summary(report: ScoreReport) -> dict[str, Any]:
        return {"version": report.version, "scored": report.scored, "failed": len(report.failures)}

    job = Job(f"rescore {name}", work, summary).start()
    jobs[job.id] = job
    audit(request, session, actor, "rescore", "scorecard", None, {"name": name, "job": job.id})
    return job.as_json()


@api.get("/jobs/{job_id}")
def job_progress(request: Request, actor: CurrentActor, job_id: str) -> dict[str, Any]:
    """A background job's progress: ``{done, total, finished, result, error}``."""
    require(actor, Action.SCORECARD_EDIT)
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "not found")
    return job.as_json()


@pages.get("/scorecards", name="scorecards_page")
def list_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.SCORECARD_VIEW)
    return render(request, "scorecards.html", {"cards": editing.versions(session)})


@pages.get("/scorecards/{name}", name="scorecard_page")
def card_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    name: str,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT32)] = None,
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
        "draft": any(v.version == version and v.origin == "draft" for v in cards[name]),
    }
    return render(request, "scorecard.html", context)
