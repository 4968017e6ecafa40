"""The ``ingest_runs`` record: opening and closing a run, telling interrupted runs, and the history."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callqa.ingest.models import IngestFailureRow, IngestRunRow
from callqa.privacy.redact import redact_identifier

RUNNING, FINISHED, INTERRUPTED = "running", "finished", "interrupted"


@dataclass(frozen=True, slots=True)
class RunCounts:
    files: int
    created: int
    updated: int
    unchanged: int
    pending: int
    skipped: int


@dataclass(frozen=True, slots=True)
class FailureLine:
    path: str
    line: int | None
    message: str


def open_run(factory: sessionmaker[Session], paths: list[Path], fmt: str) -> int:
    """A new run, marked running with this process; earlier runs whose process is gone become interrupted."""
    with factory() as session:
        mark_interrupted(session)
        run = IngestRunRow(
            started_at=datetime.now(UTC),
            paths=[redact_identifier(str(p)) for p in paths],
            format=fmt,
            files=0,
            created=0,
            updated=0,
            unchanged=0,
            pending=0,
            failed=0,
            skipped=0,
            options={},
            status=RUNNING,
            host=_host(),
            pid=os.getpid(),
        )
        session.add(run)
        session.commit()
        return run.id


def close_run(
    factory: sessionmaker[Session], run_id: int, counts: RunCounts, failures: list[FailureLine]
) -> None:
    """The run's counts and failures, and its status finished."""
    now = datetime.now(UTC)
    with factory() as session:
        run = session.get_one(IngestRunRow, run_id)
        run.finished_at, run.status, run.failed = now, FINISHED, len(failures)
        run.files, run.created, run.updated = counts.files, counts.created, counts.updated
        run.unchanged, run.pending, run.skipped = counts.unchanged, counts.pending, counts.skipped
        session.add_all(
            IngestFailureRow(
                run_id=run_id, path=f.path[:1024], line=f.line, message=f.message, created_at=now
            )
            for f in failures
        )
        session.commit()


def mark_interrupted(session: Session) -> int:
    """Runs still marked running whose process on this host is gone (killed, crashed): marked interrupted.

    A run on another host is left as it is: its process cannot be looked at from here. Returns how many.
    """
    stale = [
        run
        for run in session.scalars(select(IngestRunRow).where(IngestRunRow.status == RUNNING))
        if _gone(run)
    ]
    for run in stale:
        run.status = INTERRUPTED
    session.flush()
    return len(stale)


def status_of(run: IngestRunRow) -> str:
    """The run's status as it stands now, for reads that write nothing (a gone process: interrupted)."""
    return INTERRUPTED if run.status == RUNNING and _gone(run) else run.status


def _gone(run: IngestRunRow) -> bool:
    return run.host == _host() and run.pid != os.getpid() and not _alive(run.pid)


def recent_runs(session: Session, limit: int = 20) -> list[IngestRunRow]:
    """The newest runs first, with interrupted ones told as such."""
    mark_interrupted(session)
    return list(session.scalars(select(IngestRunRow).order_by(IngestRunRow.id.desc()).limit(limit)))


def _host() -> str:
    return socket.gethostname()[:255]


def _alive(pid: int | None) -> bool:
    if pid is None or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process holds that pid
        return True
    except OSError:
        return False
    return True
