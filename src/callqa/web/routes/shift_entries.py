"""One shift or demand of a round changed or deleted over the API (``PATCH``/``DELETE``
``/api/shift-rounds/{id}/shifts/{shift}`` and ``…/demands/{demand}``); adding one is a JSON ``POST`` to
``…/shifts`` or ``…/demands`` (``shift_rounds.import_csv``). Checked as CSV rows are; audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from callqa.shifts import entry, reading
from callqa.shifts.schemas import DemandPatchIn, ShiftPatchIn
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals
from callqa.web.routes.shift_rounds import ENTRY_CONFLICTS, ENTRY_MISSING, managed_round

api = APIRouter(prefix="/api/shift-rounds", tags=["shift bidding"])
ShiftId = Annotated[str, Path(max_length=200, description="the shift's id in the round")]


@api.patch("/{round_id}/shifts/{shift:path}")
def patch_shift(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    shift: ShiftId,
    body: ShiftPatchIn,
) -> dict[str, Any]:
    """Change a shift of a draft round: the fields sent (`id`, `block`, `label`, `spans`, `seats`,
    `skills`); the others keep their values. Refused as a CSV row is (O118), nothing stored then."""
    row = managed_round(session, actor, round_id)
    with refusals(ENTRY_CONFLICTS, missing=ENTRY_MISSING):
        saved = entry.patch_shift(session, row, shift, body)
    changes = body.model_dump(mode="json", exclude_unset=True)
    audit(request, session, actor, "edit_shift", "shift_round", row.id, {"shift": shift, "changes": changes})
    return reading.shift_json(saved)


@api.delete("/{round_id}/shifts/{shift:path}", status_code=204)
def delete_shift(
    request: Request, session: DbSession, actor: CurrentActor, round_id: RowId, shift: ShiftId
) -> Response:
    """Delete a shift of a draft round."""
    row = managed_round(session, actor, round_id)
    with refusals(ENTRY_CONFLICTS, missing=ENTRY_MISSING):
        entry.delete_shift(session, row, shift)
    audit(request, session, actor, "delete_shift", "shift_round", row.id, {"shift": shift})
    return Response(status_code=204)


@api.patch("/{round_id}/demands/{demand_id}")
def patch_demand(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    round_id: RowId,
    demand_id: RowId,
    body: DemandPatchIn,
) -> dict[str, Any]:
    """Change a demand (until the round is allocated): the fields sent (`date`, `start`, `end`, `skill`,
    `headcount`); the others keep their values. Refused as a CSV row is (O121), nothing stored then."""
    row = managed_round(session, actor, round_id)
    with refusals(ENTRY_CONFLICTS, missing=ENTRY_MISSING):
        saved = entry.patch_demand(session, row, demand_id, body)
    changes = body.model_dump(mode="json", exclude_unset=True)
    audit(
        request,
        session,
        actor,
        "edit_demand",
        "shift_round",
        row.id,
        {"demand": demand_id, "changes": changes},
    )
    return reading.demand_json(saved)


@api.delete("/{round_id}/demands/{demand_id}", status_code=204)
def delete_demand(
    request: Request, session: DbSession, actor: CurrentActor, round_id: RowId, demand_id: RowId
) -> Response:
    """Delete a demand (until the round is allocated)."""
    row = managed_round(session, actor, round_id)
    with refusals(ENTRY_CONFLICTS, missing=ENTRY_MISSING):
        entry.delete_demand(session, row, demand_id)
    audit(request, session, actor, "delete_demand", "shift_round", row.id, {"demand": demand_id})
    return Response(status_code=204)
