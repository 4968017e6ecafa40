"""Reading review queues: an analyst's pending work, and a queue's progress per analyst."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.interactions.convert import as_utc
from callqa.interactions.models import InteractionRow
from callqa.review.models import QueueItemRow, QueueRow
from callqa.users.models import UserRow


@dataclass(frozen=True)
class QueueItem:
    id: int
    queue: str
    interaction_id: int
    external_id: str
    agent: str | None
    started_at: datetime | None
    reason: str
    detail: str | None
    assigned_to: str | None
    done: bool

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "started_at": self.started_at.isoformat() if self.started_at else None}


def _items(session: Session, *conditions: Any) -> list[QueueItem]:
    query = (
        select(
            QueueItemRow,
            QueueRow.name,
            InteractionRow.external_id,
            InteractionRow.agent,
            InteractionRow.started_at,
            UserRow.username,
        )
        .join(QueueRow, QueueRow.id == QueueItemRow.queue_id)
        .join(InteractionRow, InteractionRow.id == QueueItemRow.interaction_id)
        .outerjoin(UserRow, UserRow.id == QueueItemRow.assigned_to)
        .where(*conditions)
        .order_by(QueueItemRow.id)
    )
    return [
        QueueItem(
            item.id,
            name,
            item.interaction_id,
            external_id,
            agent,
            as_utc(started),
            item.reason,
            item.detail,
            username,
            item.done_at is not None,
        )
        for item, name, external_id, agent, started, username in session.execute(query)
    ]


def pending_for(session: Session, user_id: int) -> list[QueueItem]:
    """The analyst's queue items not yet reviewed, oldest queue first."""
    return _items(session, QueueItemRow.assigned_to == user_id, QueueItemRow.done_at.is_(None))


def queue_items(session: Session, queue_id: int) -> list[QueueItem]:
    return _items(session, QueueItemRow.queue_id == queue_id)


def list_queues(session: Session) -> list[dict[str, Any]]:
    """Every queue with its size and how many items are done."""
    done = func.count(QueueItemRow.done_at)
    query = (
        select(QueueRow.id, QueueRow.name, QueueRow.created_at, func.count(QueueItemRow.id), done)
        .outerjoin(QueueItemRow, QueueItemRow.queue_id == QueueRow.id)
        .group_by(QueueRow.id, QueueRow.name, QueueRow.created_at)
        .order_by(QueueRow.id.desc())
    )
    return [
        {"id": i, "name": n, "created_at": c.isoformat(), "items": int(total), "done": int(finished)}
        for i, n, c, total, finished in session.execute(query)
    ]
