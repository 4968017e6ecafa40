"""Saved searches: the API (``/api/saved-searches``) and the list page's save and delete forms."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callqa.core.errors import ErrorCode
from callqa.searches.schemas import SavedSearchCreate
from callqa.searches.service import delete_search, save_search, visible_searches
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, validated

api = APIRouter(prefix="/api", tags=["saved searches"])
pages = APIRouter(include_in_schema=False)
CONFLICTS = (ErrorCode.V162, ErrorCode.V166)
MISSING = (ErrorCode.V165,)


@api.get("/saved-searches")
def list_saved(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The caller's saved searches and those shared with a team they work in or lead."""
    return [s.as_json() for s in visible_searches(session, actor)]


@api.post("/saved-searches", status_code=201)
def create_saved(
    request: Request, session: DbSession, actor: CurrentActor, data: SavedSearchCreate
) -> dict[str, Any]:
    """Save a search (``params``: the list page's query string as a map) under a name; ``team`` shares it
    with one of the caller's teams. Only the parameters are kept: whoever runs it sees their own scope."""
    with refusals(CONFLICTS, missing=MISSING):
        saved = save_search(session, actor, data)
    audit(
        request, session, actor, "create", "saved_search", saved.id, {"name": saved.name, "team": saved.team}
    )
    return saved.as_json()


@api.delete("/saved-searches/{search_id}", status_code=204)
def remove_saved(request: Request, session: DbSession, actor: CurrentActor, search_id: RowId) -> Response:
    """Delete one of the caller's saved searches (an admin: anyone's)."""
    with refusals(CONFLICTS, missing=MISSING):
        gone = delete_search(session, actor, search_id)
    audit(request, session, actor, "delete", "saved_search", gone.id, {"name": gone.name, "team": gone.team})
    return Response(status_code=204)


@pages.post("/saved-searches", name="save_search")
def save_from_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    name: Annotated[str, Form(max_length=120)],
    query: Annotated[str, Form(max_length=4000)] = "",
    team: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    """The list page's "Save this search" form: ``query`` is the page's query string."""
    params = {k: v for k, v in parse_qsl(query) if k != "page"}
    data = validated(SavedSearchCreate, name=name, params=params, team=team or None)
    with refusals(CONFLICTS, missing=MISSING):
        saved = save_search(session, actor, data)
    audit(
        request, session, actor, "create", "saved_search", saved.id, {"name": saved.name, "team": saved.team}
    )
    return RedirectResponse(saved.url, status_code=303)


@pages.post("/saved-searches/{search_id}/delete", name="delete_search")
def delete_from_page(request: Request, session: DbSession, actor: CurrentActor, search_id: RowId) -> Response:
    with refusals(CONFLICTS, missing=MISSING):
        gone = delete_search(session, actor, search_id)
    audit(request, session, actor, "delete", "saved_search", gone.id, {"name": gone.name, "team": gone.team})
    return RedirectResponse("/interactions", status_code=303)
