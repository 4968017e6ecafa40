"""Putting work on the broker: one task per input file or per batch of interactions, drip-fed.

The enqueuer keeps at most ``worker_max_in_flight`` tasks on the broker (waiting in a queue, or taken by a
worker and not yet acknowledged) and waits while the ceiling is reached, so a folder of a million files
never floods Redis. Only ids and paths go on the broker, never transcript text.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from callqa.ingest.base import Failure, Skipped
from callqa.ingest.discovery import discover
from callqa.ingest.formats.registry import default_registry
from callqa.runtime import Runtime
from callqa.scoring.service import register_scorecard, select_for_scoring
from callqa.workers.app import make_app
from callqa.workers.queues import INGEST_TASK, QUEUES, SCORE, SCORE_TASK, TRANSCRIBE

UNACKED = "unacked"  # kombu's Redis transport keeps delivered, unacknowledged messages in this hash
POLL_S = 0.2
NEAR = 8  # this far below the ceiling, messages in flight to workers cannot reach it: no second read
SETTLE_S = 0.05


@dataclass
class EnqueueReport:
    """What was put on the broker: ``tasks`` on ``queue`` for ``items`` files or interactions."""

    queue: str
    tasks: int = 0
    items: int = 0
    waited_s: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


ProgressCallback = Callable[[EnqueueReport, int], None]  # the report so far, tasks in flight


class Throttle:
    """Waits while ``ceiling`` tasks are in flight: queued on ``queues`` plus delivered and unacknowledged."""

    def __init__(self, client: redis.Redis, ceiling: int, queues: Sequence[str] = QUEUES) -> None:
        self.client, self.ceiling, self.queues = client, ceiling, tuple(queues)

    def in_flight(self) -> int:
        """Tasks queued plus delivered and unacknowledged, read at one instant (MULTI: a message moving from
        a queue to the unacknowledged hash between two separate reads would count twice)."""
        pipe = self.client.pipeline(transaction=True)
        for queue in self.queues:
            pipe.llen(queue)
        pipe.hlen(UNACKED)
        return sum(int(n) for n in pipe.execute())

    def wait(self, report: EnqueueReport, progress: ProgressCallback | None) -> None:
        """Return once one more task fits under the ceiling (the caller sends it at once).

        A message a worker has just popped from its queue is, for an instant, in neither the queue nor the
        unacknowledged hash; near the ceiling the count is read twice, ``SETTLE_S`` apart, and the larger
        taken, so such a message is not mistaken for room.
        """
        began = time.monotonic()
        while True:
            flying = self.in_flight()
            if flying + NEAR < self.ceiling:
                break
            if flying < self.ceiling:
                time.sleep(SETTLE_S)
                flying = max(flying, self.in_flight())
                if flying < self.ceiling:
                    break
            if progress is not None:
                progress(report, flying)
            time.sleep(POLL_S)
        report.waited_s += time.monotonic() - began


class _Sender:
    def __init__(self, runtime: Runtime, app: Any | None) -> None:
        self.app = app if app is not None else make_app(runtime.settings)
        self.client = redis.Redis.from_url(str(runtime.settings.redis_url))
        self.throttle = Throttle(self.client, runtime.settings.worker_max_in_flight)

    def send(
        self, report: EnqueueReport, name: str, args: list[Any], progress: ProgressCallback | None
    ) -> None:
        self.throttle.wait(report, progress)
        self.app.send_task(name, args=args, queue=report.queue)
        report.tasks += 1

    def close(self) -> None:
        self.client.close()


def enqueue_ingest(
    runtime: Runtime,
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    app: Any | None = None,
    progress: ProgressCallback | None = None,
) -> EnqueueReport:
    """One ``ingest`` task per input file under ``paths`` (a recording carries its sidecar), keyed by the
    file's absolute path and SHA-256; raises W110/W111 without PostgreSQL or a broker."""
    sender = _Sender(runtime, app)
    report = EnqueueReport(TRANSCRIBE)
    try:
        for found in discover(list(paths), default_registry(runtime.settings), fmt):
            if isinstance(found, Failure):
                report.failures.append(found)
            elif isinstance(found, Skipped):
                report.skipped.append(found)
            else:
                uri = str(found.path.resolve())
                sender.send(report, INGEST_TASK, [uri, _sha256(found.path)], progress)
                report.items += 1
    finally:
        sender.close()
    return report


def enqueue_ingest_uri(runtime: Runtime, uri: str, key: str, *, app: Any | None = None) -> EnqueueReport:
    """One ``ingest`` task for a file at an fsspec URL (an arrival ``callqa watch`` saw), keyed by ``key``
    (its size and stamp: the remote file is not read here)."""
    sender = _Sender(runtime, app)
    report = EnqueueReport(TRANSCRIBE)
    try:
        sender.send(report, INGEST_TASK, [uri, key], None)
        report.items += 1
    finally:
        sender.close()
    return report


def enqueue_scoring(
    runtime: Runtime,
    *,
    scorecard: str | None = None,
    rescore: bool = False,
    batch_size: int | None = None,
    app: Any | None = None,
    progress: ProgressCallback | None = None,
) -> EnqueueReport:
    """One ``score`` task per batch of the interactions that need scoring (``select_for_scoring``)."""
    card = runtime.scorecards.current(scorecard)
    size = batch_size or runtime.config.scoring.batch_size
    sender = _Sender(runtime, app)
    report = EnqueueReport(SCORE)
    try:
        with runtime.factory.begin() as session:
            row = register_scorecard(session, card)
            ids = select_for_scoring(session, row, rescore=rescore, pipeline=runtime.pipeline.version)
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            sender.send(report, SCORE_TASK, [batch, scorecard, rescore], progress)
            report.items += len(batch)
    finally:
        sender.close()
    return report


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
