"""Flat tables for BI tools: interactions, evaluations and criterion results as CSV or Parquet.

Streamed in batches (a million interactions never sit in memory at once), chosen by the same query as the
interaction list and narrowed to what the caller may see. No transcript text and no customer identifiers
leave this way: the tables are for counting, the app is for reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import IO, Any, TextIO

from sqlalchemy import ColumnElement, Select, and_, case, null, select, true
from sqlalchemy.orm import Session

from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.csvfile import write_rows
from callqa.core.query import InteractionQuery
from callqa.insights.models import InsightFactRow
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow
from callqa.views.search import current_evaluation, query_conditions

BATCH = 20_000
TABLES = ("interactions", "evaluations", "criterion_results")
F = InsightFactRow

# (column, type) per table; types: str, int, float, bool, date, datetime
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "interactions": [
        ("id", "int"),
        ("external_id", "str"),
        ("source", "str"),
        ("channel", "str"),
        ("direction", "str"),
        ("language", "str"),
        ("agent", "str"),
        ("team", "str"),
        ("queue", "str"),
        ("started_at", "datetime"),
        ("local_day", "date"),
        ("local_hour", "int"),
        ("local_weekday", "int"),
        ("duration_ms", "int"),
        ("turns", "int"),
        ("csat", "float"),
        ("csat_scale", "int"),
        ("csat_5", "float"),
        ("nps", "int"),
        ("contact_reason", "str"),
        ("tenure", "str"),
        ("recontact", "bool"),
        ("score", "float"),
        ("auto_failed", "bool"),
        ("evaluation_id", "int"),
        ("ai_score", "float"),
        ("reviewed_score", "float"),
        ("review_state", "str"),
    ],
    "evaluations": [
        ("id", "int"),
        ("interaction_id", "int"),
        ("scorecard", "str"),
        ("scorecard_version", "int"),
        ("engine_version", "str"),
        ("score", "float"),
        ("raw_score", "float"),
        ("auto_failed", "bool"),
        ("passed", "bool"),
        ("is_current", "bool"),
        ("created_at", "datetime"),
        ("ai_score", "float"),
        ("ai_auto_failed", "bool"),
        ("reviewed_score", "float"),
        ("review_state", "str"),
    ],
    "criterion_results": [
        ("evaluation_id", "int"),
        ("interaction_id", "int"),
        ("criterion", "str"),
        ("section", "str"),
        ("title", "str"),
        ("outcome", "str"),
        ("confidence", "float"),
        ("weight", "float"),
        ("critical", "bool"),
        ("ai_outcome", "str"),
        ("reviewed_outcome", "str"),
    ],
}


def _reviewed(column: Any) -> ColumnElement[Any]:
    """The official value where a shared review made it, else NULL."""
    return case((EvaluationRow.review_state.is_not(None), column), else_=null())


def _evaluations(query: InteractionQuery) -> ColumnElement[bool]:
    chosen = EvaluationRow.scorecard_name == (query.scorecard or DEFAULT_SCORECARD)
    return chosen if query.history else and_(chosen, EvaluationRow.is_current.is_(True))


def _query(
    table: str, query: InteractionQuery, scope: ColumnElement[bool] | None
) -> Select[*tuple[Any, ...]]:
    where = [scope if scope is not None else true(), *query_conditions(query)]
    if table == "interactions":
        i = InteractionRow
        return (
            select(
                i.id,
                i.external_id,
                i.source,
                i.channel,
                i.direction,
                i.language,
                i.agent,
                i.team,
                i.queue,
                i.started_at,
                F.day,
                F.hour,
                F.weekday,
                i.duration_ms,
                i.turn_count,
                i.csat,
                i.csat_scale,
                F.csat,
                i.nps,
                F.reason,
                F.tenure,
                F.recontact,
                EvaluationRow.score,
                EvaluationRow.auto_failed,
                EvaluationRow.id,
                EvaluationRow.ai_score,
                _reviewed(EvaluationRow.score),
                EvaluationRow.review_state,
            )
            .outerjoin(F, F.interaction_id == i.id)
            .outerjoin(EvaluationRow, current_evaluation(query))
            .where(*where)
            .order_by(i.id)
        )
    if table == "evaluations":
        e = EvaluationRow
        return (
            select(
                e.id,
                e.interaction_id,
                e.scorecard_name,
                ScorecardRow.version,
                e.engine_version,
                e.score,
                e.raw_score,
                e.auto_failed,
                e.passed,
                e.is_current,
                e.created_at,
                e.ai_score,
                e.ai_auto_failed,
                _reviewed(e.score),
                e.review_state,
            )
            .join(ScorecardRow, ScorecardRow.id == e.scorecard_id)
            .join(InteractionRow, InteractionRow.id == e.interaction_id)
            .where(_evaluations(query), *where)
            .order_by(e.id)
        )
    if table == "criterion_results":
        r = CriterionResultRow
        return (
            select(
                r.evaluation_id,
                EvaluationRow.interaction_id,
                r.criterion,
                r.section,
                r.title,
                r.outcome,
                r.confidence,
                r.weight,
                r.critical,
                r.ai_outcome,
                _reviewed(r.outcome),
            )
            .join(EvaluationRow, EvaluationRow.id == r.evaluation_id)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(_evaluations(query), *where)
            .order_by(r.evaluation_id, r.id)
        )
    raise ValueError(f"table '{table}': choose one of {', '.join(TABLES)}")


def batches(
    session: Session, table: str, query: InteractionQuery, *, scope: ColumnElement[bool] | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of the interactions ``query`` chooses within ``scope`` (the caller's access rule),
    ``BATCH`` at a time, in the order of :data:`COLUMNS`."""
    result = session.execute(_query(table, query, scope).execution_options(yield_per=BATCH))
    for part in result.partitions(BATCH):
        yield [tuple(row) for row in part]


def write_csv(rows: Iterator[list[tuple[Any, ...]]], table: str, out: TextIO, *, header: bool = True) -> int:
    """CSV (with a header unless told); dates in ISO 8601, booleans as true/false, nothing as empty."""
    names = [name for name, _ in COLUMNS[table]]
    return write_rows(out, (row for batch in rows for row in batch), header=names if header else None)


def write_parquet(rows: Iterator[list[tuple[Any, ...]]], table: str, out: str | IO[bytes]) -> int:
    """Parquet with typed columns (timestamps in UTC), one row group per batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    schema = pa.schema([(name, kinds[kind]) for name, kind in COLUMNS[table]])
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in rows:
            columns = list(zip(*batch, strict=True)) if batch else [() for _ in COLUMNS[table]]
            arrays = [
                pa.array(_typed(col, kind), type=kinds[kind])
                for col, (_, kind) in zip(columns, COLUMNS[table], strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
    return count


def _typed(values: Sequence[Any], kind: str) -> list[Any]:
    if kind == "datetime":
        return [v.replace(tzinfo=UTC) if v is not None and v.tzinfo is None else v for v in values]
    return list(values)
