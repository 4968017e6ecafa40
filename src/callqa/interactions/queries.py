"""Reading stored interactions: the query's conditions on them, filtered lists, one interaction in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from callqa.core.document import Interaction
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.query import InteractionQuery
from callqa.interactions.convert import as_utc
from callqa.interactions.models import InteractionRow, RedactionRow
from callqa.interactions.service import load_document


def interaction_conditions(query: InteractionQuery) -> list[ColumnElement[bool]]:
    """The query's fields about the interaction itself, as SQL conditions on ``interactions``.

    Local days need the centre's time zone: turn them into instants first (``query.in_zone(zone)``).
    """
    if query.days is not None:
        raise ValueError("a query over local days: call in_zone(zone) before reading interactions")
    out: list[ColumnElement[bool]] = []
    for column, value in (
        (InteractionRow.channel, query.channel),
        (InteractionRow.agent, query.agent),
        (InteractionRow.team, query.team),
        (InteractionRow.queue, query.queue),
        (InteractionRow.source, query.source),
    ):
        if value is not None:
            out.append(column == value)
    if query.language is not None:
        # 'zh' matches zh-Hans and zh-Hant; 'zh-Hant' matches only itself.
        out.append(
            or_(
                InteractionRow.language == query.language,
                InteractionRow.language.like(f"{query.language}-%"),
            )
        )
    if query.teams is not None:
        out.append(InteractionRow.team.in_(sorted(query.teams)))
    if query.since is not None:
        out.append(InteractionRow.started_at >= query.since)
    if query.until is not None:
        out.append(InteractionRow.started_at < query.until)
    if query.has_survey is not None:
        has = or_(InteractionRow.csat.is_not(None), InteractionRow.nps.is_not(None))
        out.append(has if query.has_survey else ~has)
    if query.min_csat is not None:
        out.append(InteractionRow.csat >= query.min_csat)
    if query.max_csat is not None:
        out.append(InteractionRow.csat <= query.max_csat)
    if query.text:
        out.append(InteractionRow.external_id.contains(query.text, autoescape=True))
    return out


@dataclass(frozen=True)
class InteractionSummary:
    id: int
    external_id: str
    source: str
    channel: str
    direction: str | None
    language: str | None
    agent: str | None
    team: str | None
    queue: str | None
    started_at: datetime | None
    duration_ms: int | None
    turns: int
    csat: float | None
    nps: int | None

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        return data


_SUMMARY_COLUMNS = (
    InteractionRow.id,
    InteractionRow.external_id,
    InteractionRow.source,
    InteractionRow.channel,
    InteractionRow.direction,
    InteractionRow.language,
    InteractionRow.agent,
    InteractionRow.team,
    InteractionRow.queue,
    InteractionRow.started_at,
    InteractionRow.duration_ms,
    InteractionRow.turn_count,
    InteractionRow.csat,
    InteractionRow.nps,
)


def list_interactions(
    session: Session, query: InteractionQuery | None = None, *, limit: int | None = 50, offset: int = 0
) -> list[InteractionSummary]:
    """Interactions matching ``query`` (its fields about the interaction), oldest first (start, then id)."""
    chosen = (
        select(*_SUMMARY_COLUMNS)
        .where(*interaction_conditions(query or InteractionQuery()))
        .order_by(InteractionRow.started_at.is_(None), InteractionRow.started_at, InteractionRow.id)
        .offset(offset)
    )
    if limit is not None:
        chosen = chosen.limit(limit)
    rows = session.execute(chosen).all()
    return [
        InteractionSummary(
            id=row.id,
            external_id=row.external_id,
            source=row.source,
            channel=row.channel,
            direction=row.direction,
            language=row.language,
            agent=row.agent,
            team=row.team,
            queue=row.queue,
            started_at=as_utc(row.started_at),
            duration_ms=row.duration_ms,
            turns=row.turn_count,
            csat=row.csat,
            nps=row.nps,
        )
        for row in rows
    ]


def count_interactions(session: Session, query: InteractionQuery | None = None) -> int:
    conditions = interaction_conditions(query or InteractionQuery())
    return int(session.scalar(select(func.count(InteractionRow.id)).where(*conditions)) or 0)


@dataclass(frozen=True)
class NamedInteraction:
    """An interaction an external id names, with what tells it apart and whose work it is."""

    id: int
    source: str
    external_id: str
    channel: str
    agent: str | None
    team: str | None
    started_at: datetime | None

    @property
    def qualified(self) -> str:
        return f"{self.source}:{self.external_id}"


def named_interactions(session: Session, ident: str) -> list[NamedInteraction]:
    """The interactions whose external id is ``ident``, or whose ``source:external_id`` it is, by id."""
    condition = InteractionRow.external_id == ident
    if ":" in ident:
        source, _, external_id = ident.partition(":")
        condition = or_(
            condition, and_(InteractionRow.source == source, InteractionRow.external_id == external_id)
        )
    i = InteractionRow
    query = select(i.id, i.source, i.external_id, i.channel, i.agent, i.team, i.started_at).where(condition)
    return [
        NamedInteraction(r.id, r.source, r.external_id, r.channel, r.agent, r.team, as_utc(r.started_at))
        for r in session.execute(query.order_by(i.id))
    ]


def find_interaction_id(session: Session, ident: str) -> int:
    """The id of an interaction named by its id or its external id (``source:external_id`` if ambiguous)."""
    if ident.isdigit() and session.get(InteractionRow, int(ident)) is not None:
        return int(ident)
    matches = named_interactions(session, ident)
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        raise CallqaError(ErrorCode.Q100, ident=ident)
    raise CallqaError(ErrorCode.Q101, ident=ident, choices=", ".join(sorted(m.qualified for m in matches)))


@dataclass(frozen=True)
class StoredInteraction:
    id: int
    doc: Interaction
    created_at: datetime
    updated_at: datetime
    ingested_from: str | None
    redactions: list[tuple[str, str, int, int]]


def get_interaction(session: Session, interaction_id: int) -> StoredInteraction:
    """One interaction with its turns, events and redaction records."""
    row = session.get(InteractionRow, interaction_id)
    if row is None:
        raise CallqaError(ErrorCode.Q100, ident=interaction_id)
    redactions = session.execute(
        select(RedactionRow.field, RedactionRow.kind, RedactionRow.start, RedactionRow.end)
        .where(RedactionRow.interaction_id == interaction_id)
        .order_by(RedactionRow.id)
    ).all()
    return StoredInteraction(
        id=row.id,
        doc=load_document(session, interaction_id),
        created_at=as_utc(row.created_at) or row.created_at,
        updated_at=as_utc(row.updated_at) or row.updated_at,
        ingested_from=row.ingested_from,
        redactions=[(r[0], r[1], r[2], r[3]) for r in redactions],
    )
