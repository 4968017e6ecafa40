"""ORM tables: report schedules (what, for whom, how often) and every delivery attempt."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType


class ReportScheduleRow(Base):
    __tablename__ = "report_schedules"
    __table_args__ = (Index("ix_report_schedules_next_run_at", "active", "next_run_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    scope: Mapped[str] = mapped_column(String(16))  # centre | team | agent
    subject: Mapped[str | None] = mapped_column(String(255))
    cadence: Mapped[str] = mapped_column(String(16))  # weekly | monthly
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated addresses
    attach: Mapped[str] = mapped_column(String(16))  # pdf | html | both
    locale: Mapped[str] = mapped_column(String(16))
    hour: Mapped[int] = mapped_column(Integer)  # local hour of day to send
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean)
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer)  # failed tries for the current period


class ReportDeliveryRow(Base):
    __tablename__ = "report_deliveries"
    __table_args__ = (Index("ix_report_deliveries_schedule_id", "schedule_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("report_schedules.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    recipients: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # sent | failed
    error: Mapped[str | None] = mapped_column(Text)
    bytes: Mapped[int] = mapped_column(Integer)
