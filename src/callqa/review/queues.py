"""Reading review queues: an analyst's pending work, a queue's items, every queue's progress per analyst."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from callqa.interactions.convert import as_utc
from callqa.interactions.models import InteractionRow
from callqa.review.models import QueueItemRow, QueueRow, ReviewRow
from callqa.scoring.models import EvaluationRow
from callqa.users.models import UserRow

# How an item's reason reads, by strategy: English source strings the pages translate (messages.po),
# formatted with the item's params (a criterion's title is translated first). ``detail`` keeps English.
REASONS: dict[str, str] = {
    "auto_fail": "Failed critical criterion “%(title)s”",
    "auto_fail_more": "Failed critical criterion “%(title)s” and %(more)s more",
    "low_score": "Score %(score)s, below %(below)s",
    "low_confidence": "AI confidence %(confidence)s",
    "negative_sentiment": "Customer sentiment %(sentiment)s",
    "csat_disagreement": "Score %(score)s but CSAT %(csat)s/%(scale)s",
    "new_agents": "New agent %(agent)s",
    "random": "Random sample of %(percent)s %%",
}
SORTS = ("queue", "started", "score", "final_score", "channel", "agent", "duration", "due", "reason")


@dataclass(frozen=True)
class QueueItem:
    id: int
    queue_id: int
    queue: str
    interaction_id: int
    external_id: str
    agent: str | None
    channel: str
    duration_ms: int | None
    started_at: datetime | None
    score: float | None  # the AI's, of the current evaluation
    final_score: float | None  # after the review's changes, once there is a review
    due: date | None
    reason: str
    detail: str | None
    assigned_to: str | None
    done: bool
    params: dict[str, Any] = field(default_factory=dict)

    def overdue(self, today: date) -> bool:
        return not self.done and self.due is not None and self.due < today

    def as_json(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "due": self.due.isoformat() if self.due else None,
        }


def reason_text(item: QueueItem, gettext: Callable[[str], str]) -> str:
    """Why the item was picked, in the reader's language (``gettext`` of their catalogue); the stored
    English detail for items picked before reasons had params."""
    params = dict(item.params)
    key = item.reason
    if key == "auto_fail" and "title" in params:
        params["title"] = gettext(str(params["title"]))
        key = "auto_fail_more" if params.get("more") else key
    template = REASONS.get(key)
    if not params or template is None:
        return item.detail or item.reason
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):
        return item.detail or item.reason


def _items(session: Session, *conditions: Any) -> list[QueueItem]:
    current = aliased(EvaluationRow)
    query = (
        select(
            QueueItemRow,
            QueueRow.name,
            QueueRow.due_on,
            InteractionRow.external_id,
            InteractionRow.agent,
            InteractionRow.channel,
            InteractionRow.duration_ms,
            InteractionRow.started_at,
            current.score,
            ReviewRow.score,
            UserRow.username,
        )
        .join(QueueRow, QueueRow.id == QueueItemRow.queue_id)
        .join(InteractionRow, InteractionRow.id == QueueItemRow.interaction_id)
        .outerjoin(current, and_(current.interaction_id == InteractionRow.id, current.is_current.is_(True)))
        .outerjoin(ReviewRow, ReviewRow.evaluation_id == current.id)
        .outerjoin(UserRow, UserRow.id == QueueItemRow.assigned_to)
        .where(*conditions)
        .order_by(QueueItemRow.id)
    )
    return [
        QueueItem(
            id=item.id,
            queue_id=item.queue_id,
            queue=name,
            interaction_id=item.interaction_id,
            external_id=external_id,
            agent=agent,
            channel=channel,
            duration_ms=duration,
            started_at=as_utc(started),
            score=score,
            final_score=final,
            due=due,
            reason=item.reason,
            detail=item.detail,
            assigned_to=username,
            done=item.done_at is not None,
            params=dict(item.params or {}),
        )
        for item, name, due, external_id, agent, channel, duration, started, score, final, username in (
            session.execute(query)
        )
    ]


def pending_for(session: Session, user_id: int) -> list[QueueItem]:
    """The analyst's queue items not yet reviewed, oldest queue first."""
    return _items(session, QueueItemRow.assigned_to == user_id, QueueItemRow.done_at.is_(None))


def queue_items(session: Session, queue_id: int) -> list[QueueItem]:
    return _items(session, QueueItemRow.queue_id == queue_id)


def sort_items(items: list[QueueItem], sort: str | None, descending: bool = False) -> list[QueueItem]:
    """Items ordered by a column of :data:`SORTS` (empty values last either way); unknown: as they are."""
    if sort not in SORTS:
        return items
    attribute = {"started": "started_at", "duration": "duration_ms"}.get(str(sort), str(sort))
    present = [i for i in items if getattr(i, attribute) is not None]
    missing = [i for i in items if getattr(i, attribute) is None]
    return sorted(present, key=lambda i: getattr(i, attribute), reverse=descending) + missing


def list_queues(session: Session, today: date | None = None) -> list[dict[str, Any]]:
    """Every queue, newest first: size, done, overdue (undone past the due date) and progress per analyst."""
    today = today or datetime.now(UTC).date()
    rows = session.execute(
        select(QueueItemRow.queue_id, QueueItemRow.done_at, UserRow.username).outerjoin(
            UserRow, UserRow.id == QueueItemRow.assigned_to
        )
    )
    progress: dict[int, dict[str, list[int]]] = {}
    for queue_id, done_at, username in rows:
        pair = progress.setdefault(queue_id, {}).setdefault(username or "", [0, 0])
        pair[1] += 1
        pair[0] += done_at is not None
    out = []
    for queue in session.scalars(select(QueueRow).order_by(QueueRow.id.desc())):
        people = progress.get(queue.id, {})
        done = sum(p[0] for p in people.values())
        total = sum(p[1] for p in people.values())
        late = queue.closed_at is None and queue.due_on is not None and queue.due_on < today
        out.append(
            {
                "id": queue.id,
                "name": queue.name,
                "created_at": queue.created_at.isoformat(),
                "due": queue.due_on.isoformat() if queue.due_on else None,
                "closed": queue.closed_at is not None,
                "items": total,
                "done": done,
                "overdue": total - done if late else 0,
                "analysts": [
                    {"analyst": name or None, "done": d, "total": t}
                    for name, (d, t) in sorted(people.items())
                ],
            }
        )
    return out
