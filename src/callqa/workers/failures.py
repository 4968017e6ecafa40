"""Poison items: recorded once per task and idempotency key (attempts counted), causes redacted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callqa.privacy.redact import redact_text
from callqa.workers.models import TaskFailureRow

CAUSE_LIMIT = 4000


def file_key(uri: str, sha256: str) -> str:
    """The idempotency key of an ingest task: the file and its content hash."""
    return f"{uri}#{sha256}"


def interaction_key(interaction_id: int, content_hash: str) -> str:
    """The idempotency key of scoring one interaction: its id and content hash."""
    return f"interaction {interaction_id}#{content_hash}"


def record_failure(session: Session, task: str, key: str, cause: str) -> None:
    """Add the poison item, or count one more attempt of a known one (its cause is the newest)."""
    now = datetime.now(UTC)
    text = redact_text(cause[:CAUSE_LIMIT]).text
    values = {"task": task, "key": key, "attempts": 1, "cause": text, "first_seen": now, "last_seen": now}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(TaskFailureRow).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["task", "key"],
            set_={
                "attempts": TaskFailureRow.attempts + 1,
                "cause": statement.excluded.cause,
                "last_seen": statement.excluded.last_seen,
            },
        )
    )


def known_failures(session: Session, task: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` are recorded poison items of ``task`` (their tasks do nothing again)."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            session.scalars(
                select(TaskFailureRow.key).where(
                    TaskFailureRow.task == task, TaskFailureRow.key.in_(wanted[start : start + 500])
                )
            )
        )
    return found


def recent_failures(session: Session, limit: int = 100) -> list[TaskFailureRow]:
    """The newest poison items first."""
    query = select(TaskFailureRow).order_by(TaskFailureRow.last_seen.desc()).limit(limit)
    return list(session.scalars(query))
