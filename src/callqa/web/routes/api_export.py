"""Flat tables for BI tools over the REST API: interactions, evaluations and criterion results as CSV
(streamed) or Parquet, filtered like the interaction list and narrowed to the caller's scope."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from callqa.access.policies import Action, interaction_scope
from callqa.insights.tables import TABLES, TableFilter, batches, write_csv, write_parquet
from callqa.interactions.queries import InteractionFilter
from callqa.web.deps import CurrentActor, DbSession, audit, require

router = APIRouter(prefix="/api/export", tags=["export"])


@router.get("/{table}")
def export_table(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    table: Literal["interactions", "evaluations", "criterion_results"],
    format: Literal["csv", "parquet"] = "csv",
    since: datetime | None = None,
    until: datetime | None = None,
    agent: str | None = None,
    team: str | None = None,
    queue: str | None = None,
    channel: str | None = None,
    language: str | None = None,
    scorecard: Annotated[str | None, Query(description="default: the dashboards' scorecard")] = None,
    history: Annotated[bool, Query(description="every evaluation, not only the current ones")] = False,
) -> Response:
    """One table as CSV (streamed, header first) or Parquet (typed columns, UTC timestamps). Columns are
    listed in docs/insights.md; no transcript text or customer identifiers are exported."""
    require(actor, Action.INTERACTION_EXPORT)
    flt = TableFilter(
        InteractionFilter(
            channel=channel, language=language, agent=agent, team=team, queue=queue, since=since, until=until
        ),
        scorecard or request.app.state.settings.insights_scorecard,
        history,
        interaction_scope(actor),
    )
    audit(request, session, actor, "export", table, None, {"format": format})
    name = f"{table}.{format}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if format == "parquet":
        with tempfile.TemporaryFile() as spool:
            count = write_parquet(batches(session, table, flt), table, spool)
            spool.seek(0)
            data = spool.read()
        return Response(
            data, media_type="application/vnd.apache.parquet", headers={**headers, "x-rows": str(count)}
        )
    stream = _csv(request.app.state.factory, table, flt)
    return StreamingResponse(stream, media_type="text/csv; charset=utf-8", headers=headers)


def _csv(factory: sessionmaker[Session], table: str, flt: TableFilter) -> Iterator[str]:
    """The CSV a batch at a time, from a session of its own (it outlives the request's)."""
    assert table in TABLES
    buffer = io.StringIO()
    write_csv(iter(()), table, buffer)  # the header
    yield buffer.getvalue()
    with factory() as session:
        for batch in batches(session, table, flt):
            buffer = io.StringIO()
            write_csv(iter([batch]), table, buffer, header=False)
            yield buffer.getvalue()
