"""Flat tables for BI tools over the REST API: interactions, evaluations and criterion results as CSV
(streamed) or Parquet, filtered like the interaction list and narrowed to the caller's scope."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session, sessionmaker

from callqa.access.policies import Action, interaction_scope
from callqa.core.query import InteractionQuery
from callqa.views.tables import TABLES, batches, write_csv, write_parquet
from callqa.web.deps import CurrentActor, DbSession, audit, require
from callqa.web.filters import QueryParams

router = APIRouter(prefix="/api/export", tags=["export"])


@router.get("/{table}")
def export_table(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    table: Literal["interactions", "evaluations", "criterion_results"],
    flt: QueryParams,
    format: Literal["csv", "parquet"] = "csv",
    history: Annotated[bool, Query(description="every evaluation, not only the current ones")] = False,
) -> Response:
    """One table as CSV (streamed, header first) or Parquet (typed columns, UTC timestamps) of the
    interactions chosen by the same parameters as ``GET /api/interactions`` (scorecard: default the
    dashboards'). Columns are listed in docs/insights.md; no transcript text or customer identifiers are
    exported."""
    require(actor, Action.INTERACTION_EXPORT)
    query = flt.but(scorecard=flt.scorecard or request.app.state.settings.insights_scorecard, history=history)
    scope = interaction_scope(actor)
    audit(request, session, actor, "export", table, None, {"format": format})
    name = f"{table}.{format}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if format == "parquet":
        with tempfile.TemporaryFile() as spool:
            count = write_parquet(batches(session, table, query, scope=scope), table, spool)
            spool.seek(0)
            data = spool.read()
        return Response(
            data, media_type="application/vnd.apache.parquet", headers={**headers, "x-rows": str(count)}
        )
    stream = _csv(request.app.state.factory, table, query, scope)
    return StreamingResponse(stream, media_type="text/csv; charset=utf-8", headers=headers)


def _csv(
    factory: sessionmaker[Session], table: str, query: InteractionQuery, scope: ColumnElement[bool]
) -> Iterator[str]:
    """The CSV a batch at a time, from a session of its own (it outlives the request's)."""
    assert table in TABLES
    buffer = io.StringIO()
    write_csv(iter(()), table, buffer)  # the header
    yield buffer.getvalue()
    with factory() as session:
        for batch in batches(session, table, query, scope=scope):
            buffer = io.StringIO()
            write_csv(iter([batch]), table, buffer, header=False)
            yield buffer.getvalue()
