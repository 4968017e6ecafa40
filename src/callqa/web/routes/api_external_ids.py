"""``/api/interactions/<external id>``: the interaction named by its external id (see ``external_ids``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from callqa.core.errors import ErrorCode
from callqa.web.deps import CurrentActor, DbSession
from callqa.web.routes.api_interactions import read_interaction
from callqa.web.routes.external_ids import visible_matches

router = APIRouter(prefix="/api", tags=["interactions"])


@router.get(
    "/interactions/{external_id:external}", name="api_interaction_by_external_id", include_in_schema=False
)
def api_interaction_by_external_id(
    request: Request, session: DbSession, actor: CurrentActor
) -> dict[str, Any]:
    """The interaction named by its external id (``source:external_id`` when more than one source uses it;
    a 409 lists them)."""
    external_id = request.path_params["external_id"]
    found = visible_matches(session, actor, external_id)
    if len(found) > 1:
        choices = ", ".join(sorted(m.qualified for m in found))
        raise HTTPException(409, ErrorCode.Q101.format(ident=external_id, choices=choices))
    return read_interaction(request, session, actor, found[0].id)
