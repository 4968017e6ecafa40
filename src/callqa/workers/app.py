"""The Celery app over the Redis broker, built from the settings; one runtime per worker process.

No result backend: tasks write what they did to PostgreSQL. Messages are acknowledged once a task has run
(``acks_late``) and handed out again when the process running it dies, so every task must be idempotent
(see :mod:`callqa.workers.tasks`).
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown
from sqlalchemy.engine import make_url

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings
from callqa.runtime import Runtime
from callqa.workers.queues import INGEST_TASK, LIVE_TASK, REFRESH_TASK, ROUTES, SCORE, SCORE_TASK


def require_shared_store(settings: Settings) -> str:
    """The broker URL; W110 unless the database is PostgreSQL, W111 without a broker."""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() != "postgresql":
        raise CallqaError(ErrorCode.W110, kind=f"{url.get_backend_name()} ({url.database or 'in memory'})")
    if not settings.redis_url:
        raise CallqaError(ErrorCode.W111)
    return settings.redis_url


def transport_options(settings: Settings) -> dict[str, float]:
    """The Redis transport's options: a task taken by a worker that died is handed out again once the
    visibility timeout has passed, checked every quarter of it (at most every minute; kombu's default
    sweep, every 100 s, would keep a short timeout waiting)."""
    timeout = settings.worker_visibility_timeout_s
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": max(1.0, min(60.0, timeout / 4)),
        "unacked_restore_throttle": 1,
    }


def make_app(settings: Settings) -> Celery:
    """The Celery app of these settings with callqa's tasks; raises W110/W111 (see require_shared_store)."""
    from callqa.workers import live_audio, tasks  # the task bodies import the whole library: only here

    broker = require_shared_store(settings)
    app = Celery("callqa", broker=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options=transport_options(settings),
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_routes={name: {"queue": queue} for name, queue in ROUTES.items()},
        task_default_queue=SCORE,
        worker_hijack_root_logger=False,
    )
    app.task(name=INGEST_TASK, bind=True)(tasks.ingest)
    app.task(name=SCORE_TASK, bind=True)(tasks.score)
    app.task(name=REFRESH_TASK, bind=True)(tasks.refresh)
    # live chunks: acknowledged on receipt, never handed out again (a late transcript is no use to a call)
    app.task(name=LIVE_TASK, bind=True, acks_late=False, reject_on_worker_lost=False)(
        live_audio.transcribe_chunk
    )
    _PROCESS.settings = settings
    worker_process_init.connect(_open_runtime, weak=False)  # connected once however many apps are made
    worker_process_shutdown.connect(_close_runtime, weak=False)
    return app


class _ProcessRuntime:
    """The runtime of this worker process: opened once (models load once), shared by its tasks."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.runtime: Runtime | None = None
        self.lock = threading.Lock()

    def get(self) -> Runtime:
        with self.lock:
            if self.runtime is None:
                if self.settings is None:
                    raise RuntimeError("no callqa worker app was made in this process")
                # The database was migrated by ``callqa worker`` before its processes started.
                self.runtime = Runtime.open(self.settings, migrate=False)
            return self.runtime

    def close(self) -> None:
        with self.lock:
            if self.runtime is not None:
                self.runtime.close()
                self.runtime = None


_PROCESS = _ProcessRuntime()


def process_runtime() -> Runtime:
    """This worker process's runtime (opened on first use)."""
    return _PROCESS.get()


def _open_runtime(**_: Any) -> None:
    if _PROCESS.settings is not None:
        _PROCESS.runtime = None  # a forked child never uses its parent's engine
        _PROCESS.get()


def _close_runtime(**_: Any) -> None:
    _PROCESS.close()


def worker_name() -> str:
    """This worker's node name: ``callqa@<host>-<pid>`` (unique on a host running several)."""
    return f"callqa@{socket.gethostname()}-{os.getpid()}"
