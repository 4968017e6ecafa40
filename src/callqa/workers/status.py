"""Worker heartbeats and the queues' state, read from Redis (and the failure count from the database).

Each worker process writes ``callqa:worker:<hostname>`` every ``interval_s`` with an expiry of three
intervals: a worker that died disappears within 30 s by default, one that stopped cleanly at once. Celery's
Redis transport keeps each queue as a Redis list named like the queue, and the tasks taken but not yet
acknowledged in the ``unacked`` hash.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from sqlalchemy import Engine, func, inspect, select, table

log = logging.getLogger(__name__)

WORKER_PREFIX = "callqa:worker:"
QUEUES = ("transcribe", "score", "refresh", "live")  # the queues callqa's tasks go to
UNACKED = "unacked"  # Celery's Redis transport: tasks delivered to a worker, not yet acknowledged
TASK_FAILURES_TABLE = "task_failures"
TIMEOUT_S = 2.0  # a health check answers even when Redis hangs


def client(redis_url: str) -> redis.Redis:
    """A Redis client that gives up quickly (health checks and heartbeats must not hang)."""
    return redis.Redis.from_url(
        redis_url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S, decode_responses=True
    )


def start_heartbeat(
    redis_url: str,
    hostname: str,
    queues: Iterable[str],
    interval_s: float = 10.0,
    *,
    tasks_done: Callable[[], int] | None = None,
) -> Callable[[], None]:
    """Start a daemon thread beating for this worker; returns the function that stops it (and removes the
    beat, so the worker is gone from the status at once). A beat Redis refuses is logged and retried."""
    key = WORKER_PREFIX + hostname
    queues = list(queues)
    started = datetime.now(UTC).isoformat()
    stop = threading.Event()
    connection = client(redis_url)

    def beat() -> None:
        value: dict[str, Any] = {
            "hostname": hostname,
            "pid": os.getpid(),
            "queues": queues,
            "started": started,
            "beat": time.time(),
        }
        if tasks_done is not None:
            value["tasks_done"] = tasks_done()
        connection.set(key, json.dumps(value), px=max(1, int(interval_s * 3 * 1000)))

    def loop() -> None:
        while not stop.is_set():
            try:
                beat()
            except redis.RedisError as exc:
                log.warning("heartbeat of %s: %s", hostname, exc)
            stop.wait(interval_s)

    thread = threading.Thread(target=loop, name=f"callqa-heartbeat-{hostname}", daemon=True)
    thread.start()

    def stop_heartbeat() -> None:
        stop.set()
        thread.join(timeout=interval_s + TIMEOUT_S * 2)
        try:
            connection.delete(key)
        except redis.RedisError as exc:
            log.warning("heartbeat of %s: cannot remove it: %s", hostname, exc)
        connection.close()

    return stop_heartbeat


@dataclass(frozen=True, slots=True)
class WorkerBeat:
    hostname: str
    pid: int | None
    queues: list[str]
    started: str | None
    age_s: float  # seconds since its last beat
    tasks_done: int | None = None


@dataclass(frozen=True, slots=True)
class WorkersStatus:
    """What Redis says: ``redis`` is ``up`` or ``down`` (then the rest is empty)."""

    redis: str
    workers: list[WorkerBeat] = field(default_factory=list)
    queues: dict[str, int] = field(default_factory=dict)
    unacked: int = 0
    error: str | None = None

    @property
    def up(self) -> bool:
        return self.redis == "up"


def read_status(redis_url: str, queues: Iterable[str] = QUEUES) -> WorkersStatus:
    """Workers alive (with their last beat's age), each queue's length (the queues named and those any
    worker listens on) and the unacknowledged tasks; ``redis: down`` when Redis does not answer."""
    connection = client(redis_url)
    try:
        beats = [_beat(raw) for raw in _values(connection, connection.scan_iter(WORKER_PREFIX + "*"))]
        workers = sorted((b for b in beats if b is not None), key=lambda b: b.hostname)
        names = sorted({*queues, *(q for w in workers for q in w.queues)})
        lengths = {name: int(connection.llen(name)) for name in names}
        unacked = int(connection.hlen(UNACKED))
    except redis.RedisError as exc:
        return WorkersStatus("down", error=str(exc))
    finally:
        connection.close()
    return WorkersStatus("up", workers, lengths, unacked)


def _values(connection: redis.Redis, keys: Iterable[str]) -> list[str]:
    keys = list(keys)
    if not keys:
        return []
    values = connection.mget(keys)
    return [str(v) for v in values if v is not None]  # None: expired between scan and read


def _beat(raw: str) -> WorkerBeat | None:
    try:
        data = json.loads(raw)
        return WorkerBeat(
            hostname=str(data["hostname"]),
            pid=data.get("pid"),
            queues=[str(q) for q in data.get("queues", [])],
            started=data.get("started"),
            age_s=max(0.0, time.time() - float(data["beat"])),
            tasks_done=data.get("tasks_done"),
        )
    except (ValueError, KeyError, TypeError):
        log.warning("unreadable worker heartbeat: %.200s", raw)
        return None


def task_failure_count(engine: Engine, name: str = TASK_FAILURES_TABLE) -> int | None:
    """Rows in the workers' failure table; None when this database has no such table (no workers yet)."""
    if not inspect(engine).has_table(name):
        return None
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table(name))) or 0)
