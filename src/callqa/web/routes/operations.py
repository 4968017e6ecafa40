"""The operations hub: what QA measurements turn into (skills and routing, shift bidding, channel
preferences, QA standards against what customers care about); each section links to its own page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from callqa.web.deps import CurrentActor
from callqa.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/operations", name="operations_page")
def operations_page(request: Request, actor: CurrentActor) -> Response:
    """Links to the operations pages this user may open."""
    return render(request, "operations.html", {"role": actor.role.value})
