"""Interactions addressed by their external id: ``/interactions/<external id>`` and
``/interactions?external_id=`` (the API's route is in ``api_external_ids``). A numeric segment stays a row id
(the routes in ``pages`` and ``api_interactions``, bounded by ``RowId``); any other segment is looked up here,
within what the caller may see; ``source:external_id`` picks one when more than one source uses the id."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import ErrorCode
from callqa.interactions.queries import NamedInteraction, named_interactions
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession
from callqa.web.render import render


class ExternalId(Convertor[str]):
    """A path segment that is not all digits (those are row ids)."""

    regex = r"(?![0-9]+(?:/|$))[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("external", ExternalId())

pages = APIRouter(include_in_schema=False)
EXTERNAL = "{external_id:external}"


def _paths(route: BaseRoute) -> set[str]:
    """The paths a top-level entry answers (an included router, in newer FastAPI, holds several)."""
    inner = getattr(route, "original_router", None)
    if inner is not None:
        return {path for child in inner.routes for path in _paths(child)}
    return {str(getattr(route, "path", ""))}


def place_before_numeric(routes: list[BaseRoute]) -> None:
    """Move each entry holding an external-id route just before the entry holding its numeric twin
    (``…/{interaction_id}``), which would answer any other segment with a 422. A literal route such as
    ``/interactions/search`` must come before both (tests/web/test_external_ids.py checks every one)."""
    for entry in [r for r in routes if any(EXTERNAL in p for p in _paths(r))]:
        twins = {p.replace(EXTERNAL, "{interaction_id}") for p in _paths(entry) if EXTERNAL in p}
        routes.remove(entry)
        at = next((i for i, r in enumerate(routes) if _paths(r) & twins), len(routes))
        routes.insert(at, entry)


def visible_matches(session: DbSession, actor: Actor, external_id: str) -> list[NamedInteraction]:
    """The interactions the segment names that the caller may see (the others stay hidden: a 404)."""
    found = [
        m
        for m in named_interactions(session, external_id)
        if allowed(actor, Action.INTERACTION_VIEW, Owner(agent=m.agent, team=m.team))
    ]
    if not found:
        raise HTTPException(404, ErrorCode.Q100.format(ident=external_id))
    return found


@pages.get("/interactions/{external_id:external}", name="interaction_by_external_id")
def interaction_by_external_id(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The interaction's page (a redirect to its numeric address), or the choices when several match."""
    return external_id_page(request, session, actor, request.path_params["external_id"])


def external_id_page(request: Request, session: DbSession, actor: Actor, external_id: str) -> Response:
    """A redirect to the one interaction ``external_id`` names, or a page listing the choices."""
    found = visible_matches(session, actor, external_id)
    if len(found) == 1:
        return RedirectResponse(request.url_for("interaction_page", interaction_id=found[0].id), 303)
    context = {"external_id": external_id, "choices": found}
    return render(request, "interaction_choices.html", context, 300)
