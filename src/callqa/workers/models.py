"""The workers' tables: task failures (poison items, recorded once and acknowledged) and arrivals (the files
a watched folder or URL brought, each recorded once, then marked enqueued)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, UniqueConstraint
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


class ArrivalRow(Base):
    """One file (a recording with its sidecar, or a transcript) seen complete in a watched place.

    The key is the file's address with its size and stamp (mtime or ETag): a restart finds the row and
    enqueues nothing twice; a file rewritten with new content is a new arrival. ``enqueued_at`` is empty
    between recording and enqueuing: a watcher that died there enqueues it again (enqueuing is idempotent).
    """

    __tablename__ = "arrivals"
    __table_args__ = (
        UniqueConstraint("path", "size", "stamp"),
        Index("ix_arrivals_source", "source", "enqueued_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(1024))  # the watched folder or URL
    path: Mapped[str] = mapped_column(String(1024))  # the file: a local path or a URL with its protocol
    size: Mapped[int] = mapped_column(IdType)
    stamp: Mapped[str] = mapped_column(String(128))
    sidecar: Mapped[str | None] = mapped_column(String(1024))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
