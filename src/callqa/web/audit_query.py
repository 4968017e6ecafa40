"""Reading the audit log's filter from a query string (the page, its CSV export and the JSON API share it;
web forms send empty fields as empty strings)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query

from callqa.audit.service import AuditEntry, AuditFilter, parse_day
from callqa.core.errors import CallqaError

Text = Annotated[str | None, Query(max_length=200)]


def audit_filter(
    user: Text = None,
    action: Text = None,
    resource: Text = None,
    resource_id: Text = None,
    start: Annotated[str | None, Query(max_length=10, description="first day, YYYY-MM-DD (UTC)")] = None,
    end: Annotated[str | None, Query(max_length=10, description="last day, YYYY-MM-DD (UTC)")] = None,
    text: Annotated[str | None, Query(max_length=200, description="looked for in the detail")] = None,
) -> AuditFilter:
    """The filter the query asks for; a bad or reversed date is a 422 with its coded message."""
    try:
        return AuditFilter(
            username=(user or "").strip() or None,
            action=(action or "").strip() or None,
            resource=(resource or "").strip() or None,
            resource_id=(resource_id or "").strip() or None,
            start=parse_day("start", start),
            end=parse_day("end", end),
            text=(text or "").strip() or None,
        )
    except CallqaError as exc:
        raise HTTPException(422, str(exc)) from exc


AuditQuery = Annotated[AuditFilter, Depends(audit_filter)]


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    """One entry as the JSON API returns it."""
    return {
        "at": entry.at.isoformat(),
        "username": entry.username,
        "action": entry.action,
        "resource": entry.resource,
        "resource_id": entry.resource_id,
        "detail": entry.detail,
        "client": entry.client,
    }
