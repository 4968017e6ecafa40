"""The calibration grid (grader × criterion, differences marked) as JSON, page form and CSV, and the expert
answers the session owner sets."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from callqa.calibration.grid import Grid, build_grid, grid_csv_rows
from callqa.calibration.models import CalibrationRow
from callqa.core.csvfile import write_rows
from callqa.users.schemas import Actor
from callqa.web import calibration_actions as act
from callqa.web.deps import CurrentActor, DbSession, RowId, audit

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["calibration"])


def _visible(session: Session, actor: Actor, calibration_id: int) -> CalibrationRow:
    """The session, once its grades may be seen (closed: blind grading hides them until then)."""
    row = act.load(session, actor, calibration_id)
    if not act.may_see_results(session, actor, row):
        raise HTTPException(409, f"calibration {row.id} is still open: the grid shows once it is closed")
    return row


def grid_json(grid: Grid) -> dict[str, Any]:
    return {
        "graders": grid.graders,
        "names": grid.display,
        "rows": [
            {
                "interaction": r.interaction_id,
                "external_id": r.external_id,
                "criterion": r.criterion,
                "title": r.title,
                "outcomes": r.outcomes,
                "expert": r.expert,
                "reference": r.reference,
                "reference_from": r.reference_kind,
                "agreement": r.agreement,
                "differs": [g for g in grid.graders if g in r.differs],
            }
            for r in grid.rows
        ],
        "by_criterion": grid.by_criterion,
        "by_grader": grid.by_grader,
    }


class ExpertIn(BaseModel):
    answers: dict[str, str | None] = Field(
        description="criterion id → pass | fail | n/a (null or empty clears the expert answer)"
    )


@api.get("/calibrations/{calibration_id}/grid")
def read_grid(session: DbSession, actor: CurrentActor, calibration_id: RowId) -> dict[str, Any]:
    """Each grader's outcome per criterion, the AI's and the expert's, with the differing cells."""
    return grid_json(build_grid(session, _visible(session, actor, calibration_id)))


@api.put("/calibrations/{calibration_id}/expert/{interaction_id}")
def put_expert(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    calibration_id: RowId,
    interaction_id: RowId,
    body: ExpertIn,
) -> dict[str, Any]:
    """Set the expert (reference) answers for criteria of one interaction (whoever runs calibrations)."""
    row = act.set_expert(request, session, actor, calibration_id, interaction_id, body.answers)
    return grid_json(build_grid(session, row))


@pages.post("/calibrations/{calibration_id}/expert", name="calibration_expert")
async def expert_page(
    request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId
) -> Response:
    """The grid's expert column: fields ``x:<interaction id>:<criterion>``."""
    form = await request.form()
    by_interaction: dict[int, dict[str, str | None]] = {}
    for key, value in form.items():
        parts = key.split(":", 2)
        if len(parts) != 3 or parts[0] != "x" or not parts[1].isdigit():
            continue
        by_interaction.setdefault(int(parts[1]), {})[parts[2]] = str(value) or None
    for interaction_id, answers in by_interaction.items():
        act.set_expert(request, session, actor, calibration_id, interaction_id, answers)
    return RedirectResponse(f"/calibrations/{calibration_id}#grid", status_code=303)


@pages.get("/calibrations/{calibration_id}/grid.csv", name="calibration_grid_csv")
def grid_csv(request: Request, session: DbSession, actor: CurrentActor, calibration_id: RowId) -> Response:
    """The grid as CSV (formula-safe cells), one row per criterion of each interaction."""
    row = _visible(session, actor, calibration_id)
    header, body = grid_csv_rows(build_grid(session, row))
    buffer = io.StringIO()
    write_rows(buffer, body, header=header)
    audit(request, session, actor, "export", "calibration", row.id)
    disposition = f'attachment; filename="calibration-{row.id}-grid.csv"'
    return Response(
        buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={"content-disposition": disposition}
    )
