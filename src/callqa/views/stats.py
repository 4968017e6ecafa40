"""Totals over everything stored, with the outcome of the last ingest run (``callqa stats``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from callqa.ingest.models import IngestFailureRow, IngestRunRow
from callqa.ingest.runs import status_of
from callqa.interactions.convert import as_utc
from callqa.interactions.models import InteractionRow, RedactionRow


@dataclass
class Stats:
    interactions: int = 0
    turns: int = 0
    first_started: datetime | None = None
    last_started: datetime | None = None
    with_survey: int = 0
    mean_csat_share: float | None = None
    by_channel: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    by_team: dict[str, int] = field(default_factory=dict)
    by_queue: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    agents: int = 0
    redactions: dict[str, int] = field(default_factory=dict)
    last_run: dict[str, Any] | None = None
    last_run_failures: list[str] = field(default_factory=list)


def interaction_stats(session: Session) -> Stats:
    """Totals over everything stored, and the outcome of the last ingest run."""
    stats = Stats()
    total, turns, first, last, agents = session.execute(
        select(
            func.count(InteractionRow.id),
            func.coalesce(func.sum(InteractionRow.turn_count), 0),
            func.min(InteractionRow.started_at),
            func.max(InteractionRow.started_at),
            func.count(func.distinct(InteractionRow.agent)),
        )
    ).one()
    stats.interactions, stats.turns, stats.agents = int(total), int(turns), int(agents)
    stats.first_started, stats.last_started = as_utc(first), as_utc(last)
    surveyed, share = session.execute(
        select(
            func.count(InteractionRow.id).filter(
                or_(InteractionRow.csat.is_not(None), InteractionRow.nps.is_not(None))
            ),
            func.avg(InteractionRow.csat / InteractionRow.csat_scale),
        )
    ).one()
    stats.with_survey = int(surveyed)
    stats.mean_csat_share = float(share) if share is not None else None
    for column, target in (
        (InteractionRow.channel, stats.by_channel),
        (InteractionRow.language, stats.by_language),
        (InteractionRow.team, stats.by_team),
        (InteractionRow.queue, stats.by_queue),
        (InteractionRow.source, stats.by_source),
    ):
        rows = session.execute(select(column, func.count()).group_by(column).order_by(func.count().desc()))
        target.update({(value if value is not None else "(none)"): int(n) for value, n in rows})
    rows = session.execute(select(RedactionRow.kind, func.count()).group_by(RedactionRow.kind))
    stats.redactions = {str(kind): int(n) for kind, n in rows}
    run = session.scalars(select(IngestRunRow).order_by(IngestRunRow.id.desc()).limit(1)).one_or_none()
    if run is not None:
        stats.last_run = {
            "id": run.id,
            "status": status_of(run),
            "started_at": as_utc(run.started_at),
            "files": run.files,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "pending": run.pending,
            "failed": run.failed,
            "skipped": run.skipped,
        }
        failures = session.scalars(
            select(IngestFailureRow).where(IngestFailureRow.run_id == run.id).order_by(IngestFailureRow.id)
        ).all()
        stats.last_run_failures = [
            f"{f.path}:{f.line}: {f.message}" if f.line is not None else f"{f.path}: {f.message}"
            for f in failures
        ]
    return stats
