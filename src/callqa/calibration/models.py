"""ORM tables: calibration sessions, their interactions and graders, and each grader's outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType, JsonType


class CalibrationRow(Base):
    """A calibration session: graders score the same interactions blind; the AI is one more grader."""

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    scorecard_name: Mapped[str] = mapped_column(String(128))
    benchmark: Mapped[str | None] = mapped_column(String(128))  # a grader's username, or "ai"
    state: Mapped[str] = mapped_column(String(16))  # open | closed
    notes: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)  # criterion → guidance agreed
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CalibrationItemRow(Base):
    __tablename__ = "calibration_items"
    __table_args__ = (UniqueConstraint("calibration_id", "interaction_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibrations.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))


class CalibrationGraderRow(Base):
    __tablename__ = "calibration_graders"
    __table_args__ = (UniqueConstraint("calibration_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibrations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class CalibrationGradeRow(Base):
    """One grader's outcome for one criterion of one interaction of the session."""

    __tablename__ = "calibration_grades"
    __table_args__ = (UniqueConstraint("calibration_id", "interaction_id", "user_id", "criterion"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibrations.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CalibrationExpertRow(Base):
    """The reference answer for one criterion of one interaction, set by whoever runs calibrations."""

    __tablename__ = "calibration_expert_answers"
    __table_args__ = (UniqueConstraint("calibration_id", "interaction_id", "criterion"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibrations.id", ondelete="CASCADE"))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
