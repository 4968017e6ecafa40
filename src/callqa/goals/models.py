"""ORM table: goals, each a target value of one metric for the centre, a team or an agent, per period."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType


class GoalRow(Base):
    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_scope", "scope", "team", "agent"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    metric: Mapped[str] = mapped_column(String(32))  # an id of callqa.goals.catalogue.GOAL_METRICS
    criterion: Mapped[str | None] = mapped_column(String(64))  # the criterion of a pass-rate goal
    scope: Mapped[str] = mapped_column(String(16))  # centre | team | agent
    team: Mapped[str | None] = mapped_column(String(255))  # a team goal's team
    agent: Mapped[str | None] = mapped_column(String(255))  # an agent goal's agent (as the data names them)
    period: Mapped[str] = mapped_column(String(16))  # week | month | quarter
    starts_on: Mapped[date] = mapped_column(Date)  # the first day of its first period
    target: Mapped[float] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
