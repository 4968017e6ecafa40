"""The failure table: a task's item that kept failing (a poison item), recorded once and acknowledged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType


class TaskFailureRow(Base):
    """One poison item: ``task`` (ingest, score, refresh) and its idempotency ``key`` (the file or the
    interaction with its content hash), how many deliveries failed, and the redacted cause of the last."""

    __tablename__ = "task_failures"
    __table_args__ = (UniqueConstraint("task", "key"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    task: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(1024))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    cause: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
