"""Writing and reading the audit log (in the caller's transaction: an audited change and its record
commit or roll back together)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.audit.models import AuditRow


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    resource: str
    resource_id: str | None
    detail: dict[str, Any]
    client: str | None


def record(
    session: Session,
    *,
    user_id: int | None,
    username: str,
    action: str,
    resource: str,
    resource_id: object = None,
    detail: dict[str, Any] | None = None,
    client: str | None = None,
) -> None:
    """Add one audit entry to the session's transaction."""
    session.add(
        AuditRow(
            at=datetime.now(UTC),
            user_id=user_id,
            username=username,
            action=action,
            resource=resource,
            resource_id=None if resource_id is None else str(resource_id),
            detail=detail or {},
            client=client,
        )
    )


def recent(
    session: Session, *, resource: str | None = None, resource_id: object = None, limit: int = 100
) -> list[AuditEntry]:
    """The latest entries, newest first, optionally for one resource."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if resource is not None:
        query = query.where(AuditRow.resource == resource)
    if resource_id is not None:
        query = query.where(AuditRow.resource_id == str(resource_id))
    return [
        AuditEntry(r.at, r.username, r.action, r.resource, r.resource_id, dict(r.detail), r.client)
        for r in session.scalars(query)
    ]
