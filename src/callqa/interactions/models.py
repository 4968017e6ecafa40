"""ORM tables for stored interactions, their turns and events, and pending metadata overlays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType


class InteractionRow(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_interactions_external_id", "external_id"),
        Index("ix_interactions_started_at", "started_at"),
        Index("ix_interactions_agent", "agent"),
        Index("ix_interactions_team", "team"),
        Index("ix_interactions_queue", "queue"),
        Index("ix_interactions_recording_sha256", "recording_sha256"),
        Index("ix_interactions_updated_at", "updated_at"),
        Index("ix_interactions_customer", "customer"),
        Index("ix_interactions_channel", "channel"),
        Index("ix_interactions_language", "language"),
        Index("ix_interactions_team_started_at", "team", "started_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str | None] = mapped_column(String(16))
    agent: Mapped[str | None] = mapped_column(String(255))
    team: Mapped[str | None] = mapped_column(String(255))
    queue: Mapped[str | None] = mapped_column(String(255))
    customer: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(35))
    subject: Mapped[str | None] = mapped_column(Text)
    csat: Mapped[float | None] = mapped_column(Float)
    csat_scale: Mapped[int | None] = mapped_column(Integer)
    nps: Mapped[int | None] = mapped_column(Integer)
    survey_comment: Mapped[str | None] = mapped_column(Text)
    survey_responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonType, default=dict)
    recording: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    recording_sha256: Mapped[str | None] = mapped_column(String(64))
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    ingested_from: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("interaction_id", "seq"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # its folded words for the full-text index (core.search_text); SQLite indexes it in turns_fts
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    start_ms: Mapped[int | None] = mapped_column(BigInteger)
    end_ms: Mapped[int | None] = mapped_column(BigInteger)
    speaker: Mapped[str | None] = mapped_column(String(255))
    channel_index: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(255))


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("interaction_id", "seq"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    start_ms: Mapped[int | None] = mapped_column(BigInteger)
    end_ms: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[str | None] = mapped_column(Text)


class MetadataOverlayRow(Base):
    """Fields for an interaction from a metadata import, applied whenever that interaction is stored."""

    __tablename__ = "metadata_overlays"
    __table_args__ = (UniqueConstraint("external_id", "source_key"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(255))
    # '' means "whatever the source"; NULL would not take part in the unique constraint.
    source_key: Mapped[str] = mapped_column(String(64), default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JsonType)
    origin: Mapped[str | None] = mapped_column(String(1024))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # [[kind, key], ...]: the customer keys of the import's raw identifiers (its fields are stored redacted)
    customer_keys: Mapped[list[list[str]]] = mapped_column(JsonType, default=list, server_default="[]")


class RedactionRow(Base):
    """What the redactor replaced: the field, the kind and the placeholder's span, never the value."""

    __tablename__ = "redactions"
    __table_args__ = (Index("ix_redactions_interaction_id", "interaction_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class CustomerKeyRow(Base):
    """A pseudonymous key of a customer of an interaction (``privacy.customer_keys``): a keyed hash of their
    phone number, e-mail address or customer id, never the value itself; one interaction may have several."""

    __tablename__ = "interaction_customer_keys"
    __table_args__ = (
        UniqueConstraint("interaction_id", "key"),
        Index("ix_interaction_customer_keys_key", "key"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # phone | email | id
    key: Mapped[str] = mapped_column(String(64))
