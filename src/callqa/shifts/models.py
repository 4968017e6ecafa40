"""ORM tables of shift bidding: rounds, their shifts, the headcount each interval needs, the agents' settings
for a round, their bids, and the outcomes of the round's allocation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType

STATUSES = ("draft", "open", "closed", "allocated", "published")


class ShiftRoundRow(Base):
    """A bidding round: a team's (or the whole centre's) shifts of some blocks, bid for in a window."""

    __tablename__ = "shift_rounds"
    __table_args__ = (Index("ix_shift_rounds_team", "team", "status"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    team: Mapped[str | None] = mapped_column(String(255))  # None: the whole centre
    blocks: Mapped[list[str]] = mapped_column(JsonType)  # e.g. ["2027-W01", "2027-W02"]
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rules: Mapped[dict[str, Any]] = mapped_column(JsonType)  # order, max_choices, time_limit_s
    status: Mapped[str] = mapped_column(String(16))  # one of STATUSES
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    allocated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the latest allocation: the solver's status and time, shares granted, coverage; or why there is none
    solver_status: Mapped[str | None] = mapped_column(String(16))
    solver_seconds: Mapped[float | None] = mapped_column(Float)
    granted: Mapped[dict[str, float] | None] = mapped_column(JsonType)  # "1", "2" … → share of bids
    requests_met: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    error: Mapped[str | None] = mapped_column(Text)


class RoundShiftRow(Base):
    """A shift offered in a round: its working spans (local wall time, ISO 8601), seats and skills."""

    __tablename__ = "round_shifts"
    __table_args__ = (UniqueConstraint("round_id", "code"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("shift_rounds.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    block: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(255))
    spans: Mapped[list[list[str]]] = mapped_column(JsonType)  # [[start, end], …]
    seats: Mapped[int | None] = mapped_column(Integer)
    skills: Mapped[list[str]] = mapped_column(JsonType)


class RoundDemandRow(Base):
    """At least ``headcount`` agents (holding ``skill``; None: any) working all of [starts, ends)."""

    __tablename__ = "round_demands"
    __table_args__ = (Index("ix_round_demands_round_id", "round_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("shift_rounds.id", ondelete="CASCADE"))
    starts: Mapped[datetime] = mapped_column(DateTime(timezone=False))  # local wall time
    ends: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    skill: Mapped[str | None] = mapped_column(String(64))
    headcount: Mapped[int] = mapped_column(Integer)


class RoundAgentRow(Base):
    """An agent's settings for a round: the skills they hold and the blocks they work (None: all)."""

    __tablename__ = "round_agents"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("shift_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skills: Mapped[list[str]] = mapped_column(JsonType)
    blocks: Mapped[list[str] | None] = mapped_column(JsonType)


class ShiftBidRow(Base):
    """An agent's bid: shift codes, most wanted first (the rank counts within each block)."""

    __tablename__ = "shift_bids"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("shift_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    choices: Mapped[list[str]] = mapped_column(JsonType)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShiftOutcomeRow(Base):
    """The shift an agent works in a block after the allocation, which of their choices it was, and why."""

    __tablename__ = "shift_outcomes"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "block"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("shift_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    block: Mapped[str] = mapped_column(String(64))
    shift_code: Mapped[str] = mapped_column(String(64))
    choice: Mapped[int | None] = mapped_column(Integer)  # 1 = their first choice; None: none of them
    first_choice: Mapped[str | None] = mapped_column(String(64))  # what they ranked first (None: no bid)
    reason: Mapped[str] = mapped_column(Text)  # in English
    why: Mapped[str | None] = mapped_column(Text)  # the same, translatable (callqa.shifts.wording)
