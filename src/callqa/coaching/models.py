"""ORM tables: coaching sessions and their action items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType


class CoachingRow(Base):
    """A coaching talk with an agent, optionally about one moment of one interaction, and its follow-up."""

    __tablename__ = "coaching"
    __table_args__ = (
        Index("ix_coaching_agent_id", "agent_id"),
        Index("ix_coaching_agent_name", "agent_name"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # their account
    agent_name: Mapped[str] = mapped_column(String(255))  # the ``agent`` on their interactions
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(255))
    notes: Mapped[str] = mapped_column(Text)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    turn: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # open | acknowledged | closed
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_result: Mapped[str | None] = mapped_column(String(16))  # improved | partly | not_improved
    follow_up_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ActionItemRow(Base):
    """Something the agent agreed to do, by a date; at follow-up the coach records whether it was done."""

    __tablename__ = "coaching_actions"
    __table_args__ = (Index("ix_coaching_actions_coaching_id", "coaching_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    coaching_id: Mapped[int] = mapped_column(ForeignKey("coaching.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")  # ACTION_STATES
