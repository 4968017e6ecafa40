"""The task bodies: each calls the same library functions as the command it stands for.

Every task is idempotent, keyed by its file or interaction and the content hash: a delivery repeated after a
worker died, or racing another, stores nothing twice. A transient error (database or broker unreachable) is
retried with exponential backoff; an item that keeps failing is a poison item, recorded in
``task_failures`` with its cause and acknowledged, and later deliveries of the same key do nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import redis
from celery.exceptions import Reject
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import InteractionRow
from callqa.review.carry import carry_reviews
from callqa.runtime import Runtime
from callqa.scoring.service import register_scorecard, score_stored, select_for_scoring
from callqa.workers.app import process_runtime
from callqa.workers.failures import file_key, interaction_key, known_failures, record_failure
from callqa.workers.files import local_input
from callqa.workers.queues import INGEST_TASK, REFRESH_TASK, SCORE, SCORE_TASK

log = logging.getLogger(__name__)
REFRESH_PENDING = "callqa:refresh:pending"  # set while a refresh task waits on the broker
REFRESH_LOCK = 0x63616C6C  # PostgreSQL advisory lock: one insights refresh at a time
BACKOFF_CAP_S = 300.0
REQUEUE_PAUSE_S = 30.0  # before handing a task back that could not even record its failure


class _Poison(Exception):
    """An item that cannot succeed however often it is tried; ``cause`` says why."""


def ingest(task: Any, uri: str, sha256: str) -> str:
    """Ingest one input file (a recording with its sidecar, or one transcript or chat file)."""
    return _guarded(
        task, INGEST_TASK, file_key(uri, sha256), lambda runtime: ingest_file(runtime, uri, sha256, task)
    )


def score(task: Any, ids: list[int], scorecard: str | None = None, rescore: bool = False) -> str:
    """Score one batch of interactions (those that still need it when the task runs)."""
    key = f"batch {ids[0]}-{ids[-1]}" if ids else "batch (empty)"
    return _guarded(
        task, SCORE_TASK, key, lambda runtime: score_batch(runtime, ids, scorecard, rescore, task)
    )


def refresh(task: Any) -> str:
    """Fold new scores into the dashboards' roll-ups (one refresh at a time across every worker)."""
    return _guarded(task, REFRESH_TASK, "insights", refresh_once)


def ingest_file(runtime: Runtime, uri: str, sha256: str, task: Any = None) -> str:
    """Run the ingest on the file ``uri`` names; a missing file already stored (a recording whose original
    was deleted once stored) is done, a missing one never stored is a poison item. What the file holds is
    then put on the score queue (``worker_score_after_ingest``): a delivery repeated after a worker died
    between storing and enqueuing enqueues it again, and the score task skips what is scored already."""
    key = file_key(uri, sha256)
    with runtime.factory() as session:
        if known_failures(session, INGEST_TASK, [key]):
            return "known poison item: skipped"
    with local_input(uri, runtime.settings.resolved_file_store()) as path:
        if not path.exists():
            if (stored := _recording_stored(runtime, sha256)) is not None:
                _request_scoring(runtime, task, [stored])
                return "already stored"
            raise _Poison(ErrorCode.W112.format(file=uri, reason="moved or deleted before a worker took it"))
        report = ingest_paths(
            [path],
            factory=runtime.factory,
            registry=default_registry(runtime.settings),
            config=runtime.config.ingest,
        )
    if report.failures:
        raise _Poison("; ".join(str(failure) for failure in report.failures))
    _request_scoring(runtime, task, report.stored_ids)
    return f"{report.stored} stored"


def _recording_stored(runtime: Runtime, sha256: str) -> int | None:
    with runtime.factory() as session:
        return session.scalar(
            select(InteractionRow.id).where(InteractionRow.recording_sha256 == sha256).limit(1)
        )


def _request_scoring(runtime: Runtime, task: Any, ids: Sequence[int]) -> None:
    """Score tasks for ``ids`` (in batches of the scoring batch size), unless turned off."""
    if task is None or not ids or not runtime.settings.worker_score_after_ingest:
        return
    size = runtime.config.scoring.batch_size
    unique = sorted(set(ids))
    for start in range(0, len(unique), size):
        task.app.send_task(SCORE_TASK, args=[unique[start : start + size], None, False], queue=SCORE)


def score_batch(
    runtime: Runtime, ids: Sequence[int], scorecard: str | None, rescore: bool, task: Any = None
) -> str:
    """Score the interactions of ``ids`` that need it and are no known poison item; a failing one is
    recorded as a poison item, the others are stored."""
    card = runtime.scorecards.current(scorecard)
    pipeline = runtime.pipeline
    with runtime.factory.begin() as session:
        row = register_scorecard(session, card)
        todo = select_for_scoring(session, row, rescore=rescore, pipeline=pipeline.version, among=ids)
        hashes = {
            interaction_id: content_hash
            for interaction_id, content_hash in session.execute(
                select(InteractionRow.id, InteractionRow.content_hash).where(InteractionRow.id.in_(todo))
            )
        }
        poisoned = known_failures(session, SCORE_TASK, [interaction_key(i, hashes[i]) for i in todo])
    todo = [i for i in todo if interaction_key(i, hashes[i]) not in poisoned]
    if not todo:
        return "nothing to score"
    report = score_stored(
        runtime.factory,
        card,
        pipeline=pipeline,
        services=runtime.services,
        rescore=rescore,
        ids=todo,
        batch_size=len(todo),
        budget_s=runtime.config.scoring.item_budget_s,
    )
    with runtime.factory.begin() as session:
        for failure in report.failures:
            key = interaction_key(failure.interaction_id, hashes[failure.interaction_id])
            record_failure(session, SCORE_TASK, key, failure.reason)
        if report.scored:
            carry_reviews(session, card.name)
    if report.scored and task is not None:
        _request_refresh(runtime, task)
    line = f"{report.scored - report.already_current} scored, {len(report.failures)} failed"
    if report.already_current:
        line += f", {report.already_current} already scored by another delivery"
    return line


def _request_refresh(runtime: Runtime, task: Any) -> None:
    """Put one refresh task on the broker unless one is already waiting there."""
    assert runtime.settings.redis_url is not None  # a worker app has one (W111)
    client = redis.Redis.from_url(runtime.settings.redis_url)
    try:
        if client.set(REFRESH_PENDING, "1", nx=True, ex=3600):
            task.app.send_task(REFRESH_TASK)
    finally:
        client.close()


def refresh_once(runtime: Runtime) -> str:
    assert runtime.settings.redis_url is not None
    client = redis.Redis.from_url(runtime.settings.redis_url)
    try:
        client.delete(REFRESH_PENDING)  # scores stored from now on ask for the next refresh
    finally:
        client.close()
    with runtime.engine.connect() as connection:
        connection.execute(select(func.pg_advisory_lock(REFRESH_LOCK)))
        try:
            report = refresh_insights(runtime.factory, InsightConfig.from_settings(runtime.settings))
        finally:
            connection.execute(select(func.pg_advisory_unlock(REFRESH_LOCK)))
            connection.commit()
    return f"insights refreshed: {report!r}"[:200]


def _transient(exc: BaseException) -> bool:
    """A failure worth trying again later: the database or the broker could not be reached."""
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    return isinstance(exc, ConnectionError | TimeoutError | redis.exceptions.ConnectionError)


def backoff_s(retries: int) -> float:
    """Seconds to wait before retry number ``retries + 1``: 2, 4, 8 … at most five minutes."""
    return min(BACKOFF_CAP_S, 2.0 ** (retries + 1))


def _guarded(task: Any, name: str, key: str, body: Callable[[Runtime], str]) -> str:
    """Run ``body``; retry what is transient, record what is not (or no longer) as a poison item."""
    runtime = process_runtime()
    try:
        return body(runtime)
    except _Poison as exc:
        cause = str(exc)
    except CallqaError as exc:
        cause = str(exc)
    except Exception as exc:
        retries = int(task.request.retries or 0)
        if _transient(exc) and retries < runtime.settings.worker_max_retries:
            log.warning("%s %s: %s; retrying in %.0f s", name, key, type(exc).__name__, backoff_s(retries))
            raise task.retry(exc=exc, countdown=backoff_s(retries), max_retries=None) from exc
        attempts = retries + 1
        cause = ErrorCode.W113.format(
            task=name, key=key, attempts=attempts, reason=f"{type(exc).__name__}: {exc}"
        )
        log.exception("%s %s failed", name, key)
    try:
        with runtime.factory.begin() as session:
            record_failure(session, name, key, cause)
    except Exception as exc:
        # The database is still out of reach: hand the message back rather than lose the item, after a
        # pause so an outage does not turn into a busy loop of deliveries.
        log.error("%s %s: cannot record the failure (%s); handing the task back", name, key, exc)
        time.sleep(REQUEUE_PAUSE_S)
        raise Reject(f"cannot record the failure: {exc}", requeue=True) from exc
    return f"poison item recorded: {cause[:200]}"
