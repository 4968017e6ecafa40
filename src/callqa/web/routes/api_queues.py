"""REST API: review queues built by sampling strategies, and the caller's pending reviews."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from callqa.access.policies import Action
from callqa.review.models import QueueRow
from callqa.review.queues import list_queues, pending_for, queue_items
from callqa.review.sampling import QueueSpec, build_queue
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require

router = APIRouter(prefix="/api", tags=["review queues"])


@router.post("/queues", status_code=201)
def create_queue(
    request: Request, session: DbSession, actor: CurrentActor, spec: QueueSpec
) -> dict[str, Any]:
    """Pick interactions with the strategies (in order) and share them among the analysts, ``quota`` each."""
    require(actor, Action.QUEUE_MANAGE)
    with refusals():
        queue = build_queue(session, spec, created_by=actor.user_id)
    items = queue_items(session, queue.id)
    audit(request, session, actor, "create", "queue", queue.id, {"name": spec.name, "items": len(items)})
    return {"id": queue.id, "name": queue.name, "items": [i.as_json() for i in items]}


@router.get("/queues")
def queues(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Every review queue with its size and progress."""
    require(actor, Action.QUEUE_MANAGE)
    return list_queues(session)


@router.get("/queues/{queue_id}")
def queue(session: DbSession, actor: CurrentActor, queue_id: RowId) -> dict[str, Any]:
    """One queue's items: why each was picked, who reviews it, whether it is done."""
    require(actor, Action.QUEUE_MANAGE)
    row = session.get(QueueRow, queue_id)
    if row is None:
        raise HTTPException(404, "not found")
    return {
        "id": row.id,
        "name": row.name,
        "spec": row.spec,
        "items": [i.as_json() for i in queue_items(session, queue_id)],
    }


@router.get("/my-queue")
def my_queue(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The caller's queue items still to review."""
    require(actor, Action.QUEUE_MANAGE)
    return [i.as_json() for i in pending_for(session, actor.user_id)]
