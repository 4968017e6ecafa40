"""Whether this deployment is up: the database, Redis when configured, workers and queues (``/api/health``).

Only states and counts: nothing about any interaction, so the check needs no sign-in."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from callqa.db.migrate import current_revision, head_revision
from callqa.workers.status import WorkersStatus, read_status, task_failure_count


@dataclass(frozen=True, slots=True)
class Health:
    database: str  # up or down
    revision: str | None  # the schema's migration revision
    head: str | None  # the revision this code expects
    redis: str  # up, down, or off (not configured: the embedded default)
    workers: WorkersStatus | None
    task_failures: int | None

    @property
    def ok(self) -> bool:
        """Healthy: the database answers, and Redis too when one is configured."""
        return self.database == "up" and self.redis != "down"

    def as_json(self) -> dict[str, Any]:
        workers = self.workers if self.workers is not None and self.workers.up else None
        return {
            "status": "up" if self.ok else "down",
            "database": self.database,
            "schema": {"revision": self.revision, "current": self.revision == self.head},
            "redis": self.redis,
            "workers_alive": len(workers.workers) if workers else 0,
            "queues": workers.queues if workers else {},
            "unacked": workers.unacked if workers else 0,
            "task_failures": self.task_failures,
        }


def check_health(engine: Engine, redis_url: str | None) -> Health:
    """Ask the database (a round trip and its schema revision) and Redis (workers, queues)."""
    database, revision, failures = "down", None, None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(engine)
        failures = task_failure_count(engine)
        database = "up"
    except SQLAlchemyError:
        pass
    workers = read_status(redis_url) if redis_url else None
    redis = "off" if workers is None else workers.redis
    return Health(database, revision, _head(engine), redis, workers, failures)


@functools.lru_cache(maxsize=8)
def _head(engine: Engine) -> str | None:
    """The revision this code expects (reading the migration scripts takes 30 ms: once per engine)."""
    return head_revision(engine)
