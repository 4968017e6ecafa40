"""ORM tables: legal holds, and which kinds of an interaction's data retention has already removed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType


class LegalHoldRow(Base):
    """Data that must be kept whatever retention or an erasure request says, until the hold is released.

    ``scope`` is what is held: one interaction (``target`` its id), a customer (``keys`` their pseudonymous
    keys, ``target`` the first few characters of one, never the phone or e-mail) or an agent (``target``
    the agent as stored on interactions).
    """

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_active", "released_at", "scope"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16))  # interaction | customer | agent
    target: Mapped[str] = mapped_column(String(255))
    keys: Mapped[list[str]] = mapped_column(JsonType, default=list)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(String(128))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RetentionMarkRow(Base):
    """One kind of an interaction's data that retention removed (its transcript text, its audio ...), when
    and by which rule: pages say so instead of showing an empty transcript, and runs skip it."""

    __tablename__ = "retention_marks"
    __table_args__ = (UniqueConstraint("interaction_id", "kind"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
