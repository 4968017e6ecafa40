"""Routing-system ids: the API (``/api/routing/ids``: list, set, delete, CSV import) and the forms of the
"Routing-system ids" section of /operations/routing. Admins change them; whoever may export routing skills
(supervisors, analysts) reads them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.import_report import ImportReport
from callqa.skills import routing_ids_service as ids_service
from callqa.skills import service
from callqa.skills.routing_ids import SYSTEMS, RoutingId
from callqa.skills.routing_ids_check import unknown_names
from callqa.skills.schemas import RoutingIdIn, RoutingIdOut
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.routes.skills import routing_page_for
from callqa.web.uploads import read_upload

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/routing/ids", tags=["skills"])

System = Annotated[str | None, Query(max_length=32, description="only this routing system")]
SECTION = "/operations/routing#routing-ids"


@api.get("")
def list_ids(session: DbSession, actor: CurrentActor, system: System = None) -> dict[str, Any]:
    """The stored ids (one system's, or all) and, per routing system, the kinds of name it keeps ids for.
    A supervisor gets the user ids of their teams' agents only."""
    require(actor, Action.SKILL_EXPORT)
    with refusals():
        found = service.visible_ids(session, actor, ids_service.list_ids(session, system=system))
    return {
        "systems": {name: sorted(shapes) for name, shapes in SYSTEMS.items()},
        "ids": [asdict(i) for i in found],
    }


@api.put("")
def set_id(request: Request, session: DbSession, actor: CurrentActor, body: RoutingIdIn) -> RoutingIdOut:
    """Store (or replace) one callqa name's id in a routing system; audited. `warnings` lists a name
    callqa does not know (O171: no user or interaction has it), stored all the same."""
    require(actor, Action.ROUTING_IDS_MANAGE)
    with refusals(conflicts=(ErrorCode.O138,)):
        stored = ids_service.set_id(session, **body.model_dump(), user_id=actor.user_id)
    audit(request, session, actor, "set", "routing_id", None, asdict(stored))
    return RoutingIdOut(**asdict(stored), warnings=list(unknown_names(session, [stored])))


@api.delete("", status_code=204)
def delete_id(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    system: Annotated[str, Query(max_length=32)],
    kind: Annotated[str, Query(max_length=16)],
    callqa_name: Annotated[str, Query(max_length=255)],
) -> Response:
    """Remove one stored id (404 when there is none); audited."""
    require(actor, Action.ROUTING_IDS_MANAGE)
    with refusals(missing=(ErrorCode.O149,)):
        gone = ids_service.delete_id(session, system, kind, callqa_name)
    audit(request, session, actor, "delete", "routing_id", None, asdict(gone))
    return Response(status_code=204)


@api.post("/import")
def import_ids(
    request: Request, session: DbSession, actor: CurrentActor, file: UploadFile
) -> dict[str, object]:
    """Load a CSV file (columns system, kind, callqa_name, external_id): the good rows are stored, each bad
    one is reported (O147, naming the file, row and cause); an unreadable file is a 422 (O148)."""
    require(actor, Action.ROUTING_IDS_MANAGE)
    data, name = read_upload(file)
    with refusals():
        report = ids_service.import_csv(session, data, name, user_id=actor.user_id)
    audit(request, session, actor, "import", "routing_id", None, report.as_json())
    return report.as_json()


# ---- the page's forms (the section is drawn by the routing page)


def _from_page(
    request: Request,
    session: Session,
    actor: Actor,
    action: str,
    change: Callable[[], RoutingId | ImportReport],
) -> Response:
    """Make one change from the page's forms: audited, then back to the section (an import, or an id set
    for a name callqa does not know: the page with the report or the warning); a refusal (made before
    anything was written) shows the page with the error."""
    require(actor, Action.ROUTING_IDS_MANAGE)
    try:
        done = change()
    except CallqaError as exc:
        return routing_page_for(request, session, actor, ids_error=str(exc))
    if isinstance(done, ImportReport):
        audit(request, session, actor, action, "routing_id", None, done.as_json())
        return routing_page_for(request, session, actor, ids_report=done)
    audit(request, session, actor, action, "routing_id", None, asdict(done))
    if action == "set" and (warnings := unknown_names(session, [done])):
        return routing_page_for(request, session, actor, ids_warnings=warnings)
    return RedirectResponse(SECTION, status_code=303)


@pages.post("/operations/routing/ids", name="routing_ids_set")
def set_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    system: Annotated[str, Form(max_length=32)],
    kind: Annotated[str, Form(max_length=16)],
    callqa_name: Annotated[str, Form(max_length=255)],
    external_id: Annotated[str, Form(max_length=512)],
) -> Response:
    def change() -> RoutingId:
        return ids_service.set_id(session, system, kind, callqa_name, external_id, user_id=actor.user_id)

    return _from_page(request, session, actor, "set", change)


@pages.post("/operations/routing/ids/delete", name="routing_ids_delete")
def delete_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    system: Annotated[str, Form(max_length=32)],
    kind: Annotated[str, Form(max_length=16)],
    callqa_name: Annotated[str, Form(max_length=255)],
) -> Response:
    return _from_page(
        request, session, actor, "delete", lambda: ids_service.delete_id(session, system, kind, callqa_name)
    )


@pages.post("/operations/routing/ids/import", name="routing_ids_import")
def import_form(request: Request, session: DbSession, actor: CurrentActor, file: UploadFile) -> Response:
    require(actor, Action.ROUTING_IDS_MANAGE)
    data, name = read_upload(file)

    def change() -> ImportReport:
        return ids_service.import_csv(session, data, name, user_id=actor.user_id)

    return _from_page(request, session, actor, "import", change)
