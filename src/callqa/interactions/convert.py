"""Between the ``Interaction`` document and its rows (interaction, turns, events)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from callqa.core.document import (
    Channel,
    Direction,
    Event,
    EventKind,
    Interaction,
    Recording,
    Role,
    Survey,
    Turn,
)
from callqa.core.search_text import index_text
from callqa.interactions.models import EventRow, InteractionRow


def interaction_values(doc: Interaction, *, content_hash: str, origin: str | None) -> dict[str, Any]:
    """Column values of the ``interactions`` row for a document (without id and timestamps)."""
    survey = doc.survey
    return {
        "source": doc.source,
        "external_id": doc.external_id,
        "channel": doc.channel.value,
        "direction": doc.direction.value if doc.direction else None,
        "agent": doc.agent,
        "team": doc.team,
        "queue": doc.queue,
        "customer": doc.customer,
        "started_at": doc.started_at,
        "duration_ms": doc.effective_duration_ms(),
        "language": doc.language,
        "subject": doc.subject,
        "csat": survey.csat if survey else None,
        "csat_scale": survey.csat_scale if survey and survey.csat is not None else None,
        "nps": survey.nps if survey else None,
        "survey_comment": survey.comment if survey else None,
        "survey_responded_at": survey.responded_at if survey else None,
        "meta": doc.metadata,
        "recording": doc.recording.model_dump(mode="json") if doc.recording else None,
        "recording_sha256": doc.recording.source_sha256 if doc.recording else None,
        "turn_count": len(doc.turns),
        "content_hash": content_hash,
        "ingested_from": origin[:1024] if origin else None,
    }


def turn_values(interaction_id: int, turns: Sequence[Turn]) -> list[dict[str, Any]]:
    return [
        {
            "interaction_id": interaction_id,
            "seq": seq,
            "role": turn.role.value,
            "text": turn.text,
            "search_text": index_text(turn.text),
            "start_ms": turn.start_ms,
            "end_ms": turn.end_ms,
            "speaker": turn.speaker,
            "channel_index": turn.channel_index,
            "external_id": turn.external_id,
        }
        for seq, turn in enumerate(turns)
    ]


def event_values(interaction_id: int, events: Sequence[Event]) -> list[dict[str, Any]]:
    return [
        {
            "interaction_id": interaction_id,
            "seq": seq,
            "kind": event.kind.value,
            "start_ms": event.start_ms,
            "end_ms": event.end_ms,
            "detail": event.detail,
        }
        for seq, event in enumerate(events)
    ]


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TurnFields(Protocol):
    """What rebuilding a turn reads: a ``TurnRow`` or a plain result row of its columns."""

    @property
    def seq(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start_ms(self) -> int | None: ...
    @property
    def end_ms(self) -> int | None: ...
    @property
    def speaker(self) -> str | None: ...
    @property
    def channel_index(self) -> int | None: ...
    @property
    def external_id(self) -> str | None: ...


# Enum members by value: a dict lookup per turn instead of an Enum call (30 turns per interaction).
_ROLES = {member.value: member for member in Role}
_EVENT_KINDS = {member.value: member for member in EventKind}


def to_document(row: InteractionRow, turns: Sequence[TurnFields], events: Sequence[EventRow]) -> Interaction:
    """Rebuild the document from its rows (turns and events in ``seq`` order)."""
    survey = None
    if row.csat is not None or row.nps is not None or row.survey_comment:
        survey = Survey(
            csat=row.csat,
            csat_scale=row.csat_scale or 5,
            nps=row.nps,
            comment=row.survey_comment,
            responded_at=as_utc(row.survey_responded_at),
        )
    duration = row.duration_ms
    doc = Interaction.model_construct(
        external_id=row.external_id,
        source=row.source,
        channel=Channel(row.channel),
        direction=Direction(row.direction) if row.direction else None,
        agent=row.agent,
        team=row.team,
        queue=row.queue,
        customer=row.customer,
        started_at=as_utc(row.started_at),
        duration_ms=duration,
        language=row.language,
        subject=row.subject,
        turns=[
            Turn.model_construct(
                role=_ROLES[t.role],
                text=t.text,
                start_ms=t.start_ms,
                end_ms=t.end_ms,
                speaker=t.speaker,
                channel_index=t.channel_index,
                external_id=t.external_id,
            )
            for t in sorted(turns, key=lambda t: t.seq)
        ],
        events=[
            Event.model_construct(
                kind=_EVENT_KINDS[e.kind], start_ms=e.start_ms, end_ms=e.end_ms, detail=e.detail
            )
            for e in sorted(events, key=lambda e: e.seq)
        ],
        survey=survey,
        metadata=dict(row.meta or {}),
        recording=Recording.model_validate(row.recording) if row.recording else None,
    )
    return doc
