"""REST API: review queues built by sampling strategies (create, read, edit, close), the caller's pending
reviews, and what the queue form picks from."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from callqa.access.policies import Action
from callqa.core.errors import CallqaError, ErrorCode
from callqa.review.models import QueueRow
from callqa.review.queue_plan import build_queue, close_queue, update_queue
from callqa.review.queue_spec import KINDS, QueueSpec, reviewers, scope_choices
from callqa.review.queues import list_queues, pending_for, queue_items
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require

router = APIRouter(prefix="/api", tags=["review queues"])
MISSING = (ErrorCode.V135,)
CLOSED = (ErrorCode.V136,)


def queue_json(session: DbSession, row: QueueRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "spec": row.spec,
        "due": row.due_on.isoformat() if row.due_on else None,
        "closed": row.closed_at is not None,
        "items": [i.as_json() for i in queue_items(session, row.id)],
    }


@router.post("/queues", status_code=201)
def create_queue(
    request: Request, session: DbSession, actor: CurrentActor, spec: QueueSpec
) -> dict[str, Any]:
    """Pick interactions with the strategies (slots shared by their shares) and deal them to the analysts."""
    require(actor, Action.QUEUE_MANAGE)
    with refusals():
        queue = build_queue(session, spec, created_by=actor.user_id)
    body = queue_json(session, queue)
    audit(
        request, session, actor, "create", "queue", queue.id, {"name": spec.name, "items": len(body["items"])}
    )
    return body


@router.get("/queues")
def queues(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Every review queue with its size, due date and progress per analyst."""
    require(actor, Action.QUEUE_MANAGE)
    return list_queues(session)


@router.get("/queues/choices")
def choices(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """What a queue can be made of: strategies, analysts, and the teams, agents and channels in the data."""
    require(actor, Action.QUEUE_MANAGE)
    return {"strategies": list(KINDS), "analysts": list(reviewers(session)), **scope_choices(session)}


@router.get("/queues/{queue_id}")
def queue(session: DbSession, actor: CurrentActor, queue_id: RowId) -> dict[str, Any]:
    """One queue: its spec and items (why each was picked, who reviews it, whether it is done)."""
    require(actor, Action.QUEUE_MANAGE)
    row = session.get(QueueRow, queue_id)
    if row is None:
        raise HTTPException(404, str(CallqaError(ErrorCode.V135, queue=queue_id)))
    return queue_json(session, row)


@router.put("/queues/{queue_id}")
def edit_queue(
    request: Request, session: DbSession, actor: CurrentActor, queue_id: RowId, spec: QueueSpec
) -> dict[str, Any]:
    """Change the queue; items not yet worked on are picked again, done ones are kept."""
    require(actor, Action.QUEUE_MANAGE)
    with refusals(CLOSED, missing=MISSING):
        row = update_queue(session, queue_id, spec)
    body = queue_json(session, row)
    audit(
        request, session, actor, "update", "queue", queue_id, {"name": spec.name, "items": len(body["items"])}
    )
    return body


@router.delete("/queues/{queue_id}")
def delete_queue(
    request: Request, session: DbSession, actor: CurrentActor, queue_id: RowId
) -> dict[str, Any]:
    """Close (archive) the queue: its done items stay, the others are freed for other queues."""
    require(actor, Action.QUEUE_MANAGE)
    with refusals(CLOSED, missing=MISSING):
        row, kept = close_queue(session, queue_id)
    audit(request, session, actor, "close", "queue", queue_id, {"name": row.name, "kept": kept})
    return queue_json(session, row)


@router.get("/my-queue")
def my_queue(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The caller's queue items still to review."""
    require(actor, Action.QUEUE_MANAGE)
    return [i.as_json() for i in pending_for(session, actor.user_id)]
