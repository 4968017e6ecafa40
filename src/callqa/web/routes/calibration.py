"""Calibration pages and REST API: set up a session, grade blind, close with agreed guidance, results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from callqa.access.policies import Action, allowed
from callqa.calibration import service
from callqa.calibration.grid import build_grid
from callqa.calibration.models import CalibrationRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.queries import get_interaction
from callqa.users.service import list_users
from callqa.web import calibration_actions as act
from callqa.web.deps import CurrentActor, DbSession, RowId
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["calibration"])


def _summary(session: DbSession, row: CalibrationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "state": row.state,
        "benchmark": row.benchmark,
        "scorecard": row.scorecard_name,
        "interactions": [{"id": i, "external_id": e} for i, e in service.items(session, row)],
        "graders": sorted(service.grader_names(session, row).values()),
        "progress": service.progress(session, row),
        "notes": row.notes,
    }


def _results_json(session: DbSession, row: CalibrationRow) -> dict[str, Any]:
    found = service.results(session, row)
    return {
        **found.summary.as_json(),
        "totals": {str(i): by for i, by in found.totals.items()},
        "outcomes": [{"interaction": i, "criterion": c, "grades": g} for (i, c), g in found.outcomes.items()],
    }


# ---- API


class CalibrationIn(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    interactions: list[str] = Field(min_length=1, description="external ids")
    graders: list[str] = Field(min_length=2, description="usernames; the AI grades too")
    benchmark: str | None = Field(default=None, description="'ai' or a grader's username")


class GradesIn(BaseModel):
    outcomes: dict[str, str] = Field(description="criterion id → pass | fail | n/a, for every criterion")


class CloseIn(BaseModel):
    notes: dict[str, str] = Field(default_factory=dict, description="criterion id → guidance agreed")
    force: bool = Field(
        default=False, description="close although some grader has not finished (else 409, V140)"
    )


@api.post("/calibrations", status_code=201)
def create(request: Request, session: DbSession, actor: CurrentActor, body: CalibrationIn) -> dict[str, Any]:
    """Set up a blind calibration session (analysts and admins)."""
    row = act.create(
        request,
        session,
        actor,
        name=body.name,
        external_ids=body.interactions,
        graders=body.graders,
        benchmark=body.benchmark,
    )
    return _summary(session, row)


@api.get("/calibrations/{calibration_id}")
def read(session: DbSession, actor: CurrentActor, calibration_id: RowId) -> dict[str, Any]:
    """The session and its progress; once closed, the results (alpha, agreement, spread, alignment)."""
    row = act.load(session, actor, calibration_id)
    body = _summary(session, row)
    if act.may_see_results(session, actor, row):
        body["results"] = _results_json(session, row)
    return body


@api.put("/calibrations/{calibration_id}/grades/{interaction_id}")
def put_grades(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    calibration_id: RowId,
    interaction_id: RowId,
    body: GradesIn,
) -> dict[str, Any]:
    """The caller's outcomes for one interaction of the session (replacing earlier ones)."""
    row = act.grade(request, session, actor, calibration_id, interaction_id, body.outcomes)
    return _summary(session, row)


@api.post("/calibrations/{calibration_id}/close")
def close(
    request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId, body: CloseIn
) -> dict[str, Any]:
    """End grading and show the results to everyone in the session."""
    row = act.close(request, session, actor, calibration_id, body.notes, force=body.force)
    return {**_summary(session, row), "results": _results_json(session, row)}


# ---- pages


@pages.get("/calibrations", name="calibrations_page")
def list_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    runs = allowed(actor, Action.CALIBRATION_RUN)
    rows = [
        r for r in service.list_calibrations(session) if runs or service.is_grader(session, r, actor.user_id)
    ]
    eligible = (
        [u for u in list_users(session) if u.active and u.role.value in service.GRADER_ROLES] if runs else []
    )
    return render(request, "calibrations.html", {"rows": rows, "runs": runs, "eligible": eligible})


@pages.post("/calibrations", name="calibration_create")
def create_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    name: Annotated[str, Form()],
    interactions: Annotated[str, Form()],
    graders: Annotated[list[str], Form()],
    benchmark: Annotated[str, Form()] = "",
) -> Response:
    ids = [part.strip() for part in interactions.replace(",", "\n").splitlines() if part.strip()]
    row = act.create(
        request, session, actor, name=name, external_ids=ids, graders=graders, benchmark=benchmark
    )
    return RedirectResponse(f"/calibrations/{row.id}", status_code=303)


def _detail(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    row: CalibrationRow,
    *,
    warning: str | None = None,
    notes: dict[str, str] | None = None,
) -> Response:
    visible = act.may_see_results(session, actor, row)
    context = {
        "row": row,
        "info": _summary(session, row),
        "grading": service.is_grader(session, row, actor.user_id) and row.state == "open",
        "runs": allowed(actor, Action.CALIBRATION_RUN),
        "results": service.results(session, row) if visible else None,
        "grid": build_grid(session, row) if visible else None,
        "unfinished": service.unfinished(session, row) if row.state == "open" else [],
        "criteria": service.ai_criteria(session, service.items(session, row)[0][0], row.scorecard_name),
        "close_warning": warning,
        "notes": notes or {},
    }
    return render(request, "calibration.html", context, status_code=409 if warning else 200)


@pages.get("/calibrations/{calibration_id}", name="calibration_page")
def detail_page(request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId) -> Response:
    return _detail(request, session, actor, act.load(session, actor, calibration_id))


@pages.get("/calibrations/{calibration_id}/grade/{interaction_id}", name="calibration_grade")
def grade_page(
    request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId, interaction_id: RowId
) -> Response:
    row = act.load(session, actor, calibration_id)
    if interaction_id not in {i for i, _ in service.items(session, row)}:
        raise HTTPException(404, "not found")
    context = {
        "row": row,
        "doc": get_interaction(session, interaction_id).doc,
        "interaction_id": interaction_id,
        "criteria": service.ai_criteria(session, interaction_id, row.scorecard_name),
        "mine": service.own_grades(session, row, actor.user_id, interaction_id),
    }
    return render(request, "calibration_grade.html", context)


@pages.post("/calibrations/{calibration_id}/grade/{interaction_id}", name="calibration_grade_save")
async def grade_save(
    request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId, interaction_id: RowId
) -> Response:
    form = await request.form()
    outcomes = {k[2:]: str(v) for k, v in form.items() if k.startswith("c:")}
    act.grade(request, session, actor, calibration_id, interaction_id, outcomes)
    return RedirectResponse(f"/calibrations/{calibration_id}", status_code=303)


@pages.post("/calibrations/{calibration_id}/close", name="calibration_close")
async def close_page(
    request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId
) -> Response:
    """Close; a session some grader has not finished shows who, and closes only once confirmed
    (``confirm_incomplete=1``)."""
    form = await request.form()
    notes = {k[5:]: str(v) for k, v in form.items() if k.startswith("note:")}
    try:
        act.close(request, session, actor, calibration_id, notes, force=form.get("confirm_incomplete") == "1")
    except HTTPException as exc:
        cause = exc.__cause__
        if not (isinstance(cause, CallqaError) and cause.code is ErrorCode.V140):
            raise
        row = act.load(session, actor, calibration_id)
        return _detail(request, session, actor, row, warning=str(cause), notes=notes)
    return RedirectResponse(f"/calibrations/{calibration_id}", status_code=303)
