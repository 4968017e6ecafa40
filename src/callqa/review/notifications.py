"""In-app notifications: written in the caller's transaction, read and marked read by their user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from callqa.review.models import NotificationRow


@dataclass(frozen=True)
class Notification:
    id: int
    kind: str
    text: str
    link: str | None
    created_at: datetime
    read: bool


def notify(session: Session, user_ids: Iterable[int], kind: str, text: str, link: str | None = None) -> None:
    """One notification for each user (each at most once)."""
    now = datetime.now(UTC)
    for user_id in dict.fromkeys(user_ids):
        session.add(NotificationRow(user_id=user_id, kind=kind, text=text, link=link, created_at=now))


def notifications_for(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    query = select(NotificationRow).where(NotificationRow.user_id == user_id)
    if unread_only:
        query = query.where(NotificationRow.read_at.is_(None))
    rows = session.scalars(query.order_by(NotificationRow.id.desc()).limit(limit))
    return [Notification(r.id, r.kind, r.text, r.link, r.created_at, r.read_at is not None) for r in rows]


def unread_count(session: Session, user_id: int) -> int:
    query = select(func.count(NotificationRow.id)).where(
        NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def mark_read(session: Session, user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (these ``ids``, or all) read; returns how many changed."""
    query = update(NotificationRow).where(
        NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(NotificationRow.id.in_(list(ids)))
    result = session.execute(query.values(read_at=datetime.now(UTC)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
