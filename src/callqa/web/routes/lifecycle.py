"""The data lifecycle for admins: the retention page (policies, what the next run removes, legal holds, an
erasure form) and the API (``/api/erasures``, ``/api/holds``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from callqa.access.policies import Action
from callqa.core.config import RETENTION_KINDS
from callqa.core.errors import ErrorCode
from callqa.lifecycle.erasure import Erasure, erase_customer, settle
from callqa.lifecycle.holds import Actor, Hold, HoldScope, active_holds, add_hold, release_hold
from callqa.lifecycle.retention import SCHEDULER, run_retention
from callqa.storage.files import FileStore
from callqa.users.schemas import Actor as User
from callqa.web.deps import CurrentActor, DbSession, RowId, client_of, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["data lifecycle"])
Text = Annotated[str, Form(max_length=2000)]
REFUSED = (ErrorCode.D101,)


class ErasureRequest(BaseModel):
    customer: str = Field(min_length=1, max_length=255, description="The customer's phone, e-mail or id.")
    dry_run: bool = Field(default=False, description="Say what would be removed; change nothing.")


class HoldCreate(BaseModel):
    scope: HoldScope
    value: str = Field(
        min_length=1, max_length=255, description="Interaction id, customer phone/e-mail/id, or agent."
    )
    reason: str = Field(min_length=1, max_length=2000)


def _actor(request: Request, user: User) -> Actor:
    return Actor(user.username, user.user_id, client_of(request))


def _store(request: Request) -> FileStore:
    return FileStore(request.app.state.settings.resolved_file_store())


def _hold(hold: Hold) -> dict[str, Any]:
    return {
        "id": hold.id,
        "scope": hold.scope,
        "target": hold.target,
        "reason": hold.reason,
        "created_by": hold.created_by,
        "created_at": hold.created_at.isoformat(),
    }


def _erase(
    request: Request, session: DbSession, user: User, customer: str, dry_run: bool, after: BackgroundTasks
) -> Erasure:
    with refusals(REFUSED):
        erasure = erase_customer(session, _store(request), customer, _actor(request, user), dry_run=dry_run)
    if not dry_run:
        after.add_task(settle, request.app.state.runtime.engine)  # once the request's transaction committed
    return erasure


@api.post("/erasures")
def erasures(
    request: Request, session: DbSession, actor: CurrentActor, body: ErasureRequest, after: BackgroundTasks
) -> dict[str, Any]:
    """Erase a customer (GDPR Art. 17); the answer is the erasure certificate (409 while a legal hold
    covers them)."""
    require(actor, Action.DATA_ERASE)
    return _erase(request, session, actor, body.customer, body.dry_run, after).certificate()


@api.get("/holds")
def holds(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The active legal holds."""
    require(actor, Action.LEGAL_HOLD)
    return [_hold(h) for h in active_holds(session)]


@api.post("/holds", status_code=201)
def new_hold(request: Request, session: DbSession, actor: CurrentActor, body: HoldCreate) -> dict[str, Any]:
    """Put a legal hold on an interaction, a customer or an agent."""
    require(actor, Action.LEGAL_HOLD)
    with refusals():
        hold = add_hold(session, body.scope, body.value, body.reason, _actor(request, actor))
    return _hold(hold)


@api.delete("/holds/{hold_id}", status_code=204)
def delete_hold(request: Request, session: DbSession, actor: CurrentActor, hold_id: RowId) -> None:
    """Release a legal hold."""
    require(actor, Action.LEGAL_HOLD)
    with refusals(missing=(ErrorCode.D103,)):
        release_hold(session, hold_id, _actor(request, actor))


@pages.get("/admin/retention", name="retention_page")
def retention_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.RETENTION_VIEW)
    return _page(request, session, {})


def _page(request: Request, session: DbSession, extra: dict[str, Any]) -> Response:
    """The page; the next run's counts come from a dry run in a transaction of its own, so not after a change
    this request has not committed yet (SQLite would make the dry run wait for it)."""
    config = request.app.state.runtime.config.retention
    preview = (
        None
        if extra
        else run_retention(request.app.state.factory, _store(request), config, SCHEDULER, dry_run=True)
    )
    context = {
        "kinds": RETENTION_KINDS,
        "config": config,
        "preview": preview,
        "holds": active_holds(session),
        "scopes": [s.value for s in HoldScope],
        "every_h": request.app.state.settings.retention_run_s / 3600,
        **extra,
    }
    return render(request, "retention.html", context)


@pages.post("/admin/erasures", name="erasure_submit")
def erasure_submit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    after: BackgroundTasks,
    customer: Text,
    dry_run: Text = "",
) -> Response:
    require(actor, Action.DATA_ERASE)
    erasure = _erase(request, session, actor, customer, dry_run == "yes", after)
    return _page(request, session, {"erasure": erasure.certificate()})


@pages.post("/admin/holds", name="hold_submit")
def hold_submit(
    request: Request, session: DbSession, actor: CurrentActor, scope: Text, value: Text, reason: Text
) -> Response:
    require(actor, Action.LEGAL_HOLD)
    if scope not in {s.value for s in HoldScope}:
        raise HTTPException(422, f"scope must be one of: {', '.join(s.value for s in HoldScope)}")
    with refusals():
        add_hold(session, HoldScope(scope), value, reason, _actor(request, actor))
    return RedirectResponse("/admin/retention", status_code=303)


@pages.post("/admin/holds/{hold_id}/remove", name="hold_remove")
def hold_remove(request: Request, session: DbSession, actor: CurrentActor, hold_id: RowId) -> Response:
    require(actor, Action.LEGAL_HOLD)
    with refusals(missing=(ErrorCode.D103,)):
        release_hold(session, hold_id, _actor(request, actor))
    return RedirectResponse("/admin/retention", status_code=303)
