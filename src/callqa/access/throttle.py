"""Sign-in throttling from the audit log: too many failed sign-ins for one account, or from one address, in
a short window lock further attempts (even with the right password) until the window has passed. The audit
log is the store, so every server process and restart sees the same count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.audit.models import AuditRow

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 10  # failed sign-ins for one username within WINDOW
ADDRESS_FAILURES = 30  # failed sign-ins from one client address within WINDOW (any usernames)


def locked_out(
    session: Session, username: str, client: str | None, now: datetime | None = None
) -> str | None:
    """Why sign-in is refused now ("account" or "address"), or None."""
    since = (now or datetime.now(UTC)) - WINDOW
    failed = select(func.count(AuditRow.id)).where(AuditRow.action == "login_failed", AuditRow.at >= since)
    by_name = failed.where(AuditRow.detail["username"].as_string() == username[:128])
    if (session.scalar(by_name) or 0) >= ACCOUNT_FAILURES:
        return "account"
    if client and (session.scalar(failed.where(AuditRow.client == client)) or 0) >= ADDRESS_FAILURES:
        return "address"
    return None
