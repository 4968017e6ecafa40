"""The audit-log page (admin): entries newest first, filtered and paged, and their CSV export (the same
query as ``GET /api/audit``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from callqa.access.policies import Action
from callqa.audit.service import AuditFilter, choices, export, search
from callqa.core.csvfile import write_rows
from callqa.web.audit_query import AuditQuery
from callqa.web.deps import MAX_INT32, CurrentActor, DbSession, audit, require
from callqa.web.render import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
COLUMNS = ("at", "username", "action", "resource", "resource_id", "detail", "client")


def _params(where: AuditFilter) -> dict[str, str]:
    """The filter as query parameters (pager links and the export link keep it)."""
    names = {"username": "user"}
    return {names.get(k, k): str(v) for k, v in asdict(where).items() if v is not None}


@router.get("/admin/audit", name="audit_page")
def audit_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    where: AuditQuery,
    page: Annotated[int, Query(ge=1, le=MAX_INT32 // PAGE_SIZE)] = 1,
) -> Response:
    require(actor, Action.AUDIT_VIEW)
    found = search(session, where, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    context = {
        "entries": found.entries,
        "total": found.total,
        "page": page,
        "pages": max(1, -(-found.total // PAGE_SIZE)),
        "where": where,
        "params": _params(where),
        "choices": choices(session),
    }
    return render(request, "audit.html", context)


@router.get("/admin/audit.csv", name="audit_export")
def audit_export(request: Request, session: DbSession, actor: CurrentActor, where: AuditQuery) -> Response:
    """Every entry the filter keeps, as CSV (formula-safe cells; the detail as JSON)."""
    require(actor, Action.AUDIT_VIEW)
    audit(request, session, actor, "export", "audit_log", None, _params(where))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    headers = {"content-disposition": f'attachment; filename="callqa-audit-{stamp}.csv"'}
    return StreamingResponse(
        _csv(request.app.state.factory, where), media_type="text/csv; charset=utf-8", headers=headers
    )


def _csv(factory: sessionmaker[Session], where: AuditFilter) -> Iterator[str]:
    """The CSV a thousand rows at a time, from a session of its own (it outlives the request's)."""
    buffer = io.StringIO()
    write_rows(buffer, (), header=COLUMNS)
    yield buffer.getvalue()
    with factory() as session:
        buffer = io.StringIO()
        for count, e in enumerate(export(session, where), start=1):
            detail = json.dumps(e.detail, ensure_ascii=False, sort_keys=True)
            write_rows(buffer, [(e.at, e.username, e.action, e.resource, e.resource_id, detail, e.client)])
            if count % 1000 == 0:
                yield buffer.getvalue()
                buffer = io.StringIO()
        yield buffer.getvalue()
