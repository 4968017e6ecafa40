"""A finished live call becomes a stored interaction, scored by the same engine as any other (no second
path), with its alerts kept and linked to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callqa.analysis.pipeline import Pipeline
from callqa.core.document import Event, Interaction, Survey, Turn
from callqa.interactions.service import StoreItem, store_interactions
from callqa.live.models import LiveAlertRow
from callqa.live.outputs import Alert
from callqa.live.protocol import CallEnd
from callqa.live.state import CallState
from callqa.scoring.detectors import Services
from callqa.scoring.loader import Scorecard
from callqa.scoring.service import score_stored
from callqa.users.models import UserRow

LIVE_SOURCE = "live"


def call_to_interaction(call: CallState, end: CallEnd, started_at: datetime) -> Interaction:
    """The call as an interaction: its final segments as turns, holds and transfers as events."""
    turns = [
        Turn(role=s.role, text=s.text, start_ms=s.start_ms, end_ms=s.end_ms)
        for s in sorted(call.finals, key=lambda s: (s.start_ms, s.end_ms))
        if s.text.strip()
    ]
    events = [Event(kind="hold", start_ms=start, end_ms=stop) for start, stop in call.holds]
    events += [
        Event(kind="transfer", start_ms=e.at_ms, detail=e.detail) for e in call.events if e.kind == "transfer"
    ]
    start = call.start
    return Interaction(
        external_id=call.call_id,
        source=LIVE_SOURCE,
        channel=start.channel if start.channel in ("voice", "chat", "email", "social") else "voice",
        direction=start.direction if start.direction in ("inbound", "outbound") else None,
        agent=start.agent,
        team=start.team,
        queue=start.queue,
        customer=start.customer,
        started_at=started_at,
        duration_ms=call.last_ms,
        language=start.language,
        turns=turns,
        events=events,
        survey=Survey(csat=end.csat) if end.csat is not None else None,
        metadata={k: v for k, v in start.metadata.items() if isinstance(v, str | int | float | bool)},
    )


def save_alerts(session: Session, alerts: Sequence[Alert], *, now: datetime | None = None) -> None:
    """Keep alerts as they fire (a crash mid-call loses none that were saved)."""
    now = now or datetime.now(UTC)
    for a in alerts:
        session.merge(
            LiveAlertRow(
                id=a.id,
                call_id=a.call_id,
                agent=a.agent,
                team=a.team,
                rule=a.rule,
                title=a.title,
                severity=a.severity,
                at_ms=a.at_ms,
                text=a.text,
                segment_id=a.segment_id,
                created_at=now,
            )
        )


def store_call(
    factory: sessionmaker[Session],
    call: CallState,
    end: CallEnd,
    *,
    card: Scorecard,
    pipeline: Pipeline,
    services: Services | None = None,
    opened_at: datetime | None = None,
) -> tuple[int, float | None]:
    """Store the call, link its (already saved) alerts, score it; returns the interaction id and score."""
    started_at = opened_at or datetime.now(UTC) - timedelta(milliseconds=call.last_ms)
    doc = call_to_interaction(call, end, started_at)
    with factory.begin() as session:
        stored = store_interactions(session, [StoreItem(doc, origin=f"live call {call.call_id}")])[0]
        if stored.interaction_id is None:
            raise RuntimeError(f"call {call.call_id}: not stored ({stored.outcome})")
        interaction_id = stored.interaction_id
        # the alerts were saved as they fired (by the live service's one database writer, which has
        # finished them before this runs); saving them here too raced it on PostgreSQL
        session.execute(
            update(LiveAlertRow)
            .where(LiveAlertRow.call_id == call.call_id)
            .values(interaction_id=interaction_id)
        )
    report = score_stored(
        factory, card, pipeline=pipeline, services=services, ids=[interaction_id], rescore=True
    )
    if report.failures:
        raise RuntimeError(f"call {call.call_id}: scoring failed: {report.failures[0]}")
    return interaction_id, report.scores[0] if report.scores else None


def stored_alerts(session: Session, *, since: datetime, limit: int) -> list[dict[str, Any]]:
    """The newest saved alerts (oldest first) as board messages, with who acknowledged them and when, and
    the stored interaction of their call once it ended (what a board shows after a reload or a restart)."""
    query = (
        select(LiveAlertRow, UserRow.username)
        .outerjoin(UserRow, UserRow.id == LiveAlertRow.acknowledged_by)
        .where(LiveAlertRow.created_at >= since)
        .order_by(LiveAlertRow.created_at.desc(), LiveAlertRow.id.desc())
        .limit(limit)
    )
    return [_alert_json(row, by) for row, by in reversed(session.execute(query).all())]


def _alert_json(row: LiveAlertRow, acknowledged_by: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "call_id": row.call_id,
        "rule": row.rule,
        "title": row.title,
        "severity": row.severity,
        "at_ms": row.at_ms,
        "text": row.text,
        "agent": row.agent,
        "team": row.team,
        "segment_id": row.segment_id,
        "acknowledged_by": acknowledged_by if row.acknowledged_at is not None else None,
        "acknowledged_at": row.acknowledged_at.isoformat() if row.acknowledged_at else None,
        "interaction_id": row.interaction_id,
    }
