"""``/metrics`` in Prometheus text format: queues, workers, failures and how much is stored.

Built per request from a fresh registry holding one collector over a snapshot, so nothing is kept in
process-wide state (several apps in one process, as in the tests, never mix their figures)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callqa.ingest.models import IngestFailureRow
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import EvaluationRow
from callqa.workers.health import Health

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the text format every Prometheus reads


@dataclass(frozen=True, slots=True)
class StoredCounts:
    interactions: int
    evaluations_current: int
    ingest_failures: int


def stored_counts(factory: sessionmaker[Session]) -> StoredCounts | None:
    """How much is stored (None when the database does not answer)."""
    try:
        with factory() as session:
            return StoredCounts(
                interactions=_count(session, select(func.count(InteractionRow.id))),
                evaluations_current=_count(
                    session, select(func.count(EvaluationRow.id)).where(EvaluationRow.is_current)
                ),
                ingest_failures=_count(session, select(func.count(IngestFailureRow.id))),
            )
    except SQLAlchemyError:
        return None


def _count(session: Session, query: object) -> int:
    return int(session.scalar(query) or 0)  # type: ignore[call-overload]


class CallqaCollector(Collector):
    """The figures of one scrape."""

    def __init__(self, health: Health, counts: StoredCounts | None, live_calls: int | None) -> None:
        self.health = health
        self.counts = counts
        self.live_calls = live_calls

    def collect(self) -> Iterator[Metric]:
        health = self.health
        yield GaugeMetricFamily(
            "callqa_database_up", "1 when the database answers", value=int(health.database == "up")
        )
        if health.redis != "off":
            yield GaugeMetricFamily(
                "callqa_redis_up", "1 when Redis answers", value=int(health.redis == "up")
            )
        workers = health.workers if health.workers is not None and health.workers.up else None
        queue = GaugeMetricFamily("callqa_queue_length", "Tasks waiting in a queue", labels=["queue"])
        beats = GaugeMetricFamily(
            "callqa_worker_last_beat_seconds", "Seconds since a worker's last heartbeat", labels=["worker"]
        )
        if workers is not None:
            for name, length in workers.queues.items():
                queue.add_metric([name], length)
            for beat in workers.workers:
                beats.add_metric([beat.hostname], round(beat.age_s, 3))
            yield GaugeMetricFamily(
                "callqa_tasks_unacked", "Tasks taken by a worker, not yet done", value=workers.unacked
            )
        yield queue
        yield beats
        alive = len(workers.workers) if workers is not None else 0
        yield GaugeMetricFamily("callqa_workers_alive", "Workers with a live heartbeat", value=alive)
        yield CounterMetricFamily(
            "callqa_task_failures",
            "Tasks that failed for good (the failure table)",
            value=health.task_failures or 0,
        )
        if self.counts is not None:
            yield GaugeMetricFamily(
                "callqa_interactions_total", "Interactions stored", value=self.counts.interactions
            )
            yield GaugeMetricFamily(
                "callqa_evaluations_current_total",
                "Current evaluations (one per interaction and scorecard)",
                value=self.counts.evaluations_current,
            )
            yield CounterMetricFamily(
                "callqa_ingest_failures", "Inputs that failed to ingest", value=self.counts.ingest_failures
            )
        if self.live_calls is not None:
            yield GaugeMetricFamily("callqa_live_calls", "Live calls in progress", value=self.live_calls)


def render_metrics(health: Health, counts: StoredCounts | None, live_calls: int | None) -> bytes:
    """The Prometheus text of one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CallqaCollector(health, counts, live_calls))
    return generate_latest(registry)
