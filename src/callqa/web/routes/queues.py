"""Queue pages: every queue with its progress, the form that creates and edits one, a queue's items
(sortable), closing a queue, and the analyst's own list of reviews to do."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action
from callqa.core.errors import CallqaError, ErrorCode
from callqa.review.models import QueueRow
from callqa.review.queue_plan import build_queue, close_queue, update_queue
from callqa.review.queue_spec import KINDS, reviewers, scope_choices
from callqa.review.queues import SORTS, list_queues, pending_for, queue_items, sort_items
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.queue_form import form_values, spec_from_form
from callqa.web.render import render

router = APIRouter(include_in_schema=False)
MISSING = (ErrorCode.V135,)
CLOSED = (ErrorCode.V136,)


def _choices(session: Session) -> dict[str, Any]:
    return {"kinds": KINDS, "reviewers": list(reviewers(session)), **scope_choices(session)}


def _sorting(request: Request) -> tuple[str | None, bool]:
    sort = request.query_params.get("sort")
    return (sort if sort in SORTS else None), request.query_params.get("desc") == "1"


@router.get("/queues", name="queues_page")
def queues_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """Every queue with done / total per analyst and what is overdue, and the form for a new one."""
    require(actor, Action.QUEUE_MANAGE)
    context = {"queues": list_queues(session), "form": form_values(None), **_choices(session)}
    return render(request, "queues.html", context)


@router.post("/queues", name="queue_create")
async def queue_create(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    require(actor, Action.QUEUE_MANAGE)
    spec = spec_from_form(await request.form())
    with refusals():
        queue = build_queue(session, spec, created_by=actor.user_id)
    count = len(queue_items(session, queue.id))
    audit(request, session, actor, "create", "queue", queue.id, {"name": spec.name, "items": count})
    return RedirectResponse(f"/queues/{queue.id}", status_code=303)


@router.get("/queues/{queue_id}", name="queue_detail_page")
def queue_detail(request: Request, session: DbSession, actor: CurrentActor, queue_id: RowId) -> Response:
    """A queue's items with why each was picked (sortable), and the form to change the queue."""
    require(actor, Action.QUEUE_MANAGE)
    queue = session.get(QueueRow, queue_id)
    if queue is None:
        raise HTTPException(404, str(CallqaError(ErrorCode.V135, queue=queue_id)))
    sort, descending = _sorting(request)
    context = {
        "queue": queue,
        "items": sort_items(queue_items(session, queue_id), sort, descending),
        "sort": sort,
        "desc": descending,
        "today": datetime.now(UTC).date(),
        "form": form_values(queue.spec),
        **_choices(session),
    }
    return render(request, "queue_detail.html", context)


@router.post("/queues/{queue_id}", name="queue_edit")
async def queue_edit(request: Request, session: DbSession, actor: CurrentActor, queue_id: RowId) -> Response:
    require(actor, Action.QUEUE_MANAGE)
    spec = spec_from_form(await request.form())
    with refusals(CLOSED, missing=MISSING):
        update_queue(session, queue_id, spec)
    count = len(queue_items(session, queue_id))
    audit(request, session, actor, "update", "queue", queue_id, {"name": spec.name, "items": count})
    return RedirectResponse(f"/queues/{queue_id}", status_code=303)


@router.post("/queues/{queue_id}/close", name="queue_close")
def queue_close(request: Request, session: DbSession, actor: CurrentActor, queue_id: RowId) -> Response:
    require(actor, Action.QUEUE_MANAGE)
    with refusals(CLOSED, missing=MISSING):
        queue, kept = close_queue(session, queue_id)
    audit(request, session, actor, "close", "queue", queue_id, {"name": queue.name, "kept": kept})
    return RedirectResponse("/queues", status_code=303)


@router.get("/queue", name="queue_page")
def my_queue(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The analyst's reviews to do, with why each interaction was picked (sortable)."""
    require(actor, Action.QUEUE_MANAGE)
    sort, descending = _sorting(request)
    items = sort_items(pending_for(session, actor.user_id), sort, descending)
    context = {"items": items, "sort": sort, "desc": descending, "today": datetime.now(UTC).date()}
    return render(request, "queue.html", context)
