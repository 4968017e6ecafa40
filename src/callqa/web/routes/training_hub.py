"""The training hub: links to the scenario library, practice, assignments and classes, as the role allows."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from callqa.access.policies import Action, Owner, allowed
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor
from callqa.web.render import render

router = APIRouter(include_in_schema=False)


def _self(actor: Actor) -> Owner | None:
    """An agent practises as themselves; staff try scenarios out with no owner."""
    return Owner(actor.agent_name, actor.team) if actor.agent_name else None


@router.get("/training", name="training_page")
def training_page(request: Request, actor: CurrentActor) -> Response:
    """Links to the training pages this user may open."""
    can = {
        "library": allowed(actor, Action.SCENARIO_VIEW),
        "manage": allowed(actor, Action.SCENARIO_MANAGE),
        "practise": allowed(actor, Action.PRACTICE_RUN, _self(actor)),
        "assign": allowed(actor, Action.TRAINING_ASSIGN),
        "classes": allowed(actor, Action.CLASS_VIEW),
        "meeting_pack": allowed(actor, Action.MEETING_PACK),
    }
    return render(request, "training/hub.html", {"can": can, "role": actor.role.value})
