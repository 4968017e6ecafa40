"""Server-side web sessions: opening one at sign-in, finding the live one behind a cookie, revoking.

The cookie holds only a random id (256 bits); the table keeps its SHA-256, so a copy of the database does
not give anyone a working cookie. A session is live while it is not revoked, not past its absolute expiry
and seen within the idle limit; every check happens in SQL, in UTC.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from callqa.users.models import SessionRow

ID_BYTES = 32
# ``last_seen_at`` is written at most this often: a page view is not a database write each time.
TOUCH_EVERY = timedelta(minutes=1)
# Ended sessions (revoked or expired) are kept this long for the sessions list, then purged at sign-in.
KEEP_ENDED = timedelta(days=30)
CLIENT_MAX = 64
USER_AGENT_MAX = 255


@dataclass(frozen=True)
class SessionLimits:
    """How long a sign-in lasts: ``absolute`` from sign-in, ``idle`` since the last request."""

    absolute: timedelta
    idle: timedelta


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def new_session_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def open_session(
    session: Session,
    user_id: int,
    limits: SessionLimits,
    *,
    client: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> tuple[str, SessionRow]:
    """A new session for the user: the raw id (for the cookie, never stored) and its row."""
    now = now or datetime.now(UTC)
    _purge_ended(session, user_id, now)
    raw = new_session_id()
    row = SessionRow(
        id_hash=digest(raw),
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + limits.absolute,
        client=client[:CLIENT_MAX] if client else None,
        user_agent=user_agent[:USER_AGENT_MAX] if user_agent else None,
    )
    session.add(row)
    session.flush()
    return raw, row


def due_for_touch(last: datetime | None, now: datetime) -> bool:
    """Is a last use older than ``TOUCH_EVERY`` (or never recorded)? Asked before writing it: on SQLite an
    UPDATE takes the database's write lock even when it changes no row, so an unconditional one made every
    authenticated request wait for any other writer."""
    if last is None:
        return True
    return (last if last.tzinfo is not None else last.replace(tzinfo=UTC)) < now - TOUCH_EVERY


def live_session(
    session: Session, session_id: str, limits: SessionLimits, *, now: datetime | None = None
) -> SessionRow | None:
    """The live session behind a cookie's id (its last use recorded), else None."""
    now = now or datetime.now(UTC)
    row = session.scalar(
        select(SessionRow).where(
            SessionRow.id_hash == digest(session_id),
            SessionRow.revoked_at.is_(None),
            SessionRow.expires_at > now,
            SessionRow.last_seen_at > now - limits.idle,
        )
    )
    if row is not None and due_for_touch(row.last_seen_at, now):
        session.execute(
            update(SessionRow)
            .where(SessionRow.id == row.id, SessionRow.last_seen_at < now - TOUCH_EVERY)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
    return row


def revoke_session(session: Session, session_id: str, *, now: datetime | None = None) -> SessionRow | None:
    """End the session behind a cookie's id (sign-out); the row, or None when there was no live one."""
    row = session.scalar(
        select(SessionRow).where(SessionRow.id_hash == digest(session_id), SessionRow.revoked_at.is_(None))
    )
    if row is not None:
        row.revoked_at = now or datetime.now(UTC)
        session.flush()
    return row


def revoke_user_sessions(
    session: Session, user_id: int, *, keep: int | None = None, now: datetime | None = None
) -> int:
    """End every unrevoked session of the user (but ``keep``, a session row id); how many were ended."""
    now = now or datetime.now(UTC)
    query = (
        update(SessionRow)
        .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None), SessionRow.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        query = query.where(SessionRow.id != keep)
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def user_sessions(session: Session, user_id: int, limits: SessionLimits) -> list[SessionRow]:
    """The user's live sessions, newest first."""
    now = datetime.now(UTC)
    query = (
        select(SessionRow)
        .where(
            SessionRow.user_id == user_id,
            SessionRow.revoked_at.is_(None),
            SessionRow.expires_at > now,
            SessionRow.last_seen_at > now - limits.idle,
        )
        .order_by(SessionRow.id.desc())
    )
    return list(session.scalars(query))


def _purge_ended(session: Session, user_id: int, now: datetime) -> None:
    cutoff = now - KEEP_ENDED
    session.execute(
        delete(SessionRow)
        .where(
            SessionRow.user_id == user_id,
            or_(SessionRow.revoked_at < cutoff, SessionRow.expires_at < cutoff),
        )
        .execution_options(synchronize_session=False)
    )
