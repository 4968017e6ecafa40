"""In-app notifications: written in the caller's transaction, read and marked read by their user."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.core.errors import CallqaError, ErrorCode
from callqa.review.models import NotificationMailRow, NotificationRow

# How a notification with ``params`` reads, by kind (and verdict): English source strings the pages
# translate (messages.po), formatted with the params. ``text`` keeps the English sentence (API, e-mail).
MESSAGES: dict[str, str] = {
    "dispute_opened": N_("%(who)s disputes “%(criterion)s” on interaction %(interaction)s"),
    "dispute_upheld": N_("%(who)s upheld your dispute of “%(criterion)s” on interaction %(interaction)s"),
    "dispute_rejected": N_("%(who)s rejected your dispute of “%(criterion)s” on interaction %(interaction)s"),
    "review_shared": N_(
        "%(who)s reviewed your interaction %(interaction)s: grade it yourself to see the result"
    ),
    "review_acknowledged": N_("%(who)s acknowledged the review of interaction %(interaction)s"),
    "training_assigned": N_("%(who)s asked you to practise “%(scenario)s” (due %(due)s)"),
}


@dataclass(frozen=True)
class Notification:
    id: int
    kind: str
    text: str
    link: str | None
    created_at: datetime
    read: bool
    params: dict[str, Any] | None = None

    @property
    def template(self) -> str | None:
        """The source string this notification reads as (translated by the page), if it has one."""
        if not self.params:
            return None
        key = f"dispute_{self.params.get('verdict')}" if self.kind == "dispute_resolved" else self.kind
        return MESSAGES.get(key)


def wording(n: Notification, gettext: Callable[[str], str]) -> str:
    """The notification in the reader's language (``gettext`` of their catalogue); the stored English text
    for notifications without params."""
    template = n.template
    if not template:
        return n.text
    params = dict(n.params or {})
    if isinstance(params.get("criterion"), str):  # a shipped criterion's title reads in the reader's language
        params["criterion"] = gettext(params["criterion"])
    return gettext(template) % params


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    text: str,
    link: str | None = None,
    params: dict[str, Any] | None = None,
) -> None:
    """One notification for each user (each at most once); ``params`` name who, which interaction and which
    criterion, for the page to word the notification in the reader's language."""
    now = datetime.now(UTC)
    for user_id in dict.fromkeys(user_ids):
        session.add(
            NotificationRow(user_id=user_id, kind=kind, text=text, link=link, created_at=now, params=params)
        )


def as_notification(r: NotificationRow) -> Notification:
    return Notification(r.id, r.kind, r.text, r.link, r.created_at, r.read_at is not None, r.params)


def notifications_for(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    query = select(NotificationRow).where(NotificationRow.user_id == user_id)
    if unread_only:
        query = query.where(NotificationRow.read_at.is_(None))
    rows = session.scalars(query.order_by(NotificationRow.id.desc()).limit(limit))
    return [as_notification(r) for r in rows]


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


_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")


def mail_setting(session: Session, user_id: int) -> NotificationMailRow | None:
    """The user's opt-in to e-mailed notifications, if they ever set one."""
    return session.get(NotificationMailRow, user_id)


def set_mail_setting(session: Session, user_id: int, *, address: str, enabled: bool) -> NotificationMailRow:
    """Opt in to (or out of) e-mailed notifications; an address is needed to opt in. Only notifications
    made after opting in are sent."""
    address = address.strip()
    if (enabled or address) and (len(address) > 320 or not _ADDRESS.fullmatch(address)):
        raise CallqaError(ErrorCode.R150, address=address[:80])
    row = session.get(NotificationMailRow, user_id)
    now = datetime.now(UTC)
    if row is None:
        row = NotificationMailRow(user_id=user_id, address=address, enabled=enabled, updated_at=now)
        session.add(row)
    else:
        if enabled and not row.enabled:
            row.updated_at = now
        row.address, row.enabled = address, enabled
    session.flush()
    return row
