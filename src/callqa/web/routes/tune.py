"""Tuning in the web app: propose scorecard changes learnt from the reviews (a background job whose result
the page shows), approve some of them as a new version, then re-score (the editor's re-score job)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callqa.access.policies import Action
from callqa.calibration import tuning
from callqa.core.background import Job
from callqa.core.errors import ErrorCode
from callqa.runtime import Runtime
from callqa.scoring import editing
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/tune", tags=["tune"])


class ApproveIn(BaseModel):
    base_hash: str = Field(description="the proposals' base_hash: refused if the scorecard changed since")
    edits: list[dict[str, Any]] = Field(description="the approved proposals' edits, as proposed")
    criteria: list[str] = Field(default_factory=list, description="which proposals they come from")


@api.post("/{name}", status_code=202)
def propose(request: Request, session: DbSession, actor: CurrentActor, name: str) -> dict[str, Any]:
    """Start learning proposals from the shared reviews of ``name``; poll ``GET /api/jobs/{id}``: its
    result is the report (per criterion: reviews, agreement now, cross-validated, fitted, the edits)."""
    require(actor, Action.SCORECARD_EDIT)
    if name not in editing.versions(session):
        raise HTTPException(404, "not found")
    runtime: Runtime = request.app.state.runtime
    jobs: dict[str, Job] = request.app.state.jobs

    def work(progress: Callable[[int, int | None], None]) -> tuning.TuneReport:
        with runtime.factory() as session:
            return tuning.propose(
                session,
                name,
                pipeline=runtime.pipeline,
                services=runtime.services,
                vocabulary=runtime.scorecards.vocabulary,
                progress=progress,
            )

    job = Job(f"tune {name}", work, tuning.TuneReport.as_json).start()
    jobs[job.id] = job
    audit(request, session, actor, "tune", "scorecard", None, {"name": name, "job": job.id})
    return job.as_json()


@api.post("/{name}/approve", status_code=201)
def approve(
    request: Request, session: DbSession, actor: CurrentActor, name: str, body: ApproveIn
) -> dict[str, Any]:
    """Write the approved edits into the scorecard as a new version (409 when it changed since the
    proposals; re-score with ``POST /api/scorecards/{name}/rescore``)."""
    require(actor, Action.SCORECARD_EDIT)
    runtime: Runtime = request.app.state.runtime
    with refusals():
        edits = tuning.edits_from_json(body.edits)
    with refusals(missing=[ErrorCode.S105]):
        base = tuning.text_hash(tuning.base_text(session, name, runtime.scorecards.vocabulary))
    if base != body.base_hash:
        raise HTTPException(409, "the scorecard changed since these proposals: propose again")
    with refusals():
        row = tuning.approve(session, name, body.base_hash, edits, runtime.scorecards.vocabulary)
    details = {"name": name, "version": row.version, "criteria": body.criteria, "edits": len(edits)}
    audit(request, session, actor, "approve_tuning", "scorecard", row.id, details)
    return {"name": row.name, "version": row.version}


@pages.get("/tune", name="tune_page")
def tune_page(request: Request, session: DbSession, actor: CurrentActor, scorecard: str = "") -> Response:
    require(actor, Action.SCORECARD_EDIT)
    names = list(editing.versions(session))
    chosen = scorecard if scorecard in names else request.app.state.runtime.scorecards.default
    return render(request, "tune.html", {"names": names, "chosen": chosen})
