"""Writing and reading the audit log (in the caller's transaction: an audited change and its record
commit or roll back together)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, or_, select
from sqlalchemy.orm import Session

from callqa.audit.models import AuditRow
from callqa.core.errors import CallqaError, ErrorCode


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    resource: str
    resource_id: str | None
    detail: dict[str, Any]
    client: str | None


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show: every field left empty matches all; dates are whole UTC days, both included;
    ``text`` is looked for, ignoring case, in the detail, the resource id and the client."""

    username: str | None = None
    action: str | None = None
    resource: str | None = None
    resource_id: str | None = None
    start: date | None = None
    end: date | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise CallqaError(ErrorCode.A105, start=self.start.isoformat(), end=self.end.isoformat())


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class AuditChoices:
    """The values the filters offer as pick-lists: those present in the log."""

    usernames: list[str]
    actions: list[str]
    resources: list[str]


def parse_day(field: str, value: str | None) -> date | None:
    """A filter's ``YYYY-MM-DD`` (empty: none), or A106 naming the field."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CallqaError(ErrorCode.A106, field=field, value=value) from None


def _conditions(where: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for column, value in (
        (AuditRow.username, where.username),
        (AuditRow.action, where.action),
        (AuditRow.resource, where.resource),
        (AuditRow.resource_id, where.resource_id),
    ):
        if value:
            conditions.append(column == value)
    if where.start is not None:
        conditions.append(AuditRow.at >= datetime.combine(where.start, time(), UTC))
    if where.end is not None:
        conditions.append(AuditRow.at < datetime.combine(where.end + timedelta(days=1), time(), UTC))
    if where.text:
        needle = where.text.lower()
        haystack = func.lower(
            cast(AuditRow.detail, String)
            + " "
            + func.coalesce(AuditRow.resource_id, "")
            + " "
            + func.coalesce(AuditRow.client, "")
        )
        # SQLite keeps JSON text non-ASCII as \uXXXX escapes (PostgreSQL as characters): look for both
        escaped = json.dumps(needle)[1:-1]
        conditions.append(
            or_(haystack.contains(needle, autoescape=True), haystack.contains(escaped, autoescape=True))
        )
    return conditions


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        row.at, row.username, row.action, row.resource, row.resource_id, dict(row.detail), row.client
    )


def search(session: Session, where: AuditFilter, *, offset: int = 0, limit: int = 50) -> AuditPage:
    """One page of the entries ``where`` keeps, newest first, and how many it keeps in all."""
    conditions = _conditions(where)
    total = session.scalar(select(func.count(AuditRow.id)).where(*conditions)) or 0
    query = select(AuditRow).where(*conditions).order_by(AuditRow.id.desc()).offset(offset).limit(limit)
    return AuditPage([_entry(r) for r in session.scalars(query)], int(total), offset, limit)


def export(session: Session, where: AuditFilter, *, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry ``where`` keeps, newest first, read in batches (an export of the whole log stays small in
    memory)."""
    conditions = _conditions(where)
    last: int | None = None
    while True:
        query = select(AuditRow).where(*conditions).order_by(AuditRow.id.desc()).limit(batch)
        if last is not None:
            query = query.where(AuditRow.id < last)
        rows = list(session.scalars(query))
        yield from (_entry(r) for r in rows)
        if len(rows) < batch:
            return
        last = rows[-1].id


def choices(session: Session) -> AuditChoices:
    """The distinct users, actions and resources in the log, sorted."""

    def distinct(column: Any) -> list[str]:
        return [v for v in session.scalars(select(column).distinct().order_by(column)) if v]

    return AuditChoices(distinct(AuditRow.username), distinct(AuditRow.action), distinct(AuditRow.resource))


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
    where = AuditFilter(resource=resource, resource_id=None if resource_id is None else str(resource_id))
    return search(session, where, limit=limit).entries
