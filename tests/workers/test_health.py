"""``GET /api/health`` and ``GET /metrics`` over a real database and a real Redis: a heartbeat thread
running, queues as Celery's Redis transport keeps them (lists, the ``unacked`` hash), Redis stopped → 503."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import Column, Integer, MetaData, Table, func, select

from callqa.core.settings import Settings
from callqa.db.migrate import head_revision
from callqa.interactions.models import InteractionRow
from callqa.live.replay import call_messages
from callqa.scoring.models import EvaluationRow
from callqa.users.models import UserRow
from callqa.users.service import create_token
from callqa.web.app import create_app
from callqa.workers.status import read_status, start_heartbeat, task_failure_count
from qa_support import demo_interactions
from redis_support import RedisServer
from support import Database
from web_support import seed

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(120)]

HEALTH_KEYS = {"status", "database", "schema", "redis", "workers_alive", "queues", "unacked", "task_failures"}


def make_app(db: Database, tmp_path: Path, **settings: object) -> FastAPI:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "database_url": db.url,
        "secret_key": SecretStr("t" * 40),
        "live_model_process": False,
    }
    return create_app(Settings(**(values | settings)), engine=db.engine)  # type: ignore[arg-type]


def metrics_of(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text, by name and labels (parsed with Prometheus' own parser)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


@pytest.fixture
def beating(redis_url: str) -> Iterator[str]:
    """A worker heartbeat running against the shared test Redis, stopped afterwards."""
    stop = start_heartbeat(
        redis_url, "w1@host-a", ["transcribe", "score"], interval_s=0.2, tasks_done=lambda: 7
    )
    try:
        yield redis_url
    finally:
        stop()


def fill_queues(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.rpush("transcribe", *(json.dumps({"task": i}) for i in range(3)))
    client.rpush("score", "{}")
    client.hset("unacked", mapping={"tag-1": "{}", "tag-2": "{}"})
    client.close()


def wait_for_workers(redis_url: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(read_status(redis_url).workers) != count:
        assert time.monotonic() < deadline, f"never {count} workers alive"
        time.sleep(0.05)


def test_health_says_up_with_workers_queues_and_nothing_else(
    db: Database, tmp_path: Path, beating: str
) -> None:
    fill_queues(beating)
    wait_for_workers(beating, 1)
    client = TestClient(make_app(db, tmp_path, redis_url=beating))
    response = client.get("/api/health")  # no sign-in
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == HEALTH_KEYS  # states and counts only
    assert body["status"] == "up" and body["database"] == "up" and body["redis"] == "up"
    assert body["schema"] == {"revision": head_revision(db.engine), "current": True}
    assert body["workers_alive"] == 1
    assert body["queues"] == {"transcribe": 3, "score": 1, "refresh": 0, "live": 0}
    assert body["unacked"] == 2
    assert body["task_failures"] == task_failure_count(db.engine)
    [beat] = read_status(beating).workers  # what /metrics and operators get beyond the counts
    assert (beat.hostname, beat.queues, beat.tasks_done) == ("w1@host-a", ["transcribe", "score"], 7)


def test_a_stopped_heartbeat_is_gone_at_once_and_a_dead_one_expires(db: Database, redis_url: str) -> None:
    stop = start_heartbeat(redis_url, "w2@host-b", ["refresh"], interval_s=0.2)
    wait_for_workers(redis_url, 1)
    [beat] = read_status(redis_url).workers
    assert beat.hostname == "w2@host-b" and beat.queues == ["refresh"] and beat.age_s < 1
    stop()
    assert read_status(redis_url).workers == []  # a clean stop removes the beat
    client = redis.Redis.from_url(redis_url)
    client.set("callqa:worker:w3@gone", json.dumps({"hostname": "w3@gone", "beat": time.time()}), px=300)
    client.close()
    assert [w.hostname for w in read_status(redis_url).workers] == ["w3@gone"]
    time.sleep(0.4)  # three missed beats: the key expires
    assert read_status(redis_url).workers == []


def test_redis_down_is_503_and_back_up_is_200(
    db: Database, tmp_path: Path, private_redis: RedisServer
) -> None:
    client = TestClient(make_app(db, tmp_path, redis_url=private_redis.url))
    assert client.get("/api/health").status_code == 200
    private_redis.stop()
    down = client.get("/api/health")
    assert down.status_code == 503
    assert down.json()["redis"] == "down" and down.json()["database"] == "up"
    assert down.json()["status"] == "down" and down.json()["workers_alive"] == 0
    scraped = metrics_of(client.get("/metrics").text)
    assert scraped[("callqa_redis_up", ())] == 0 and scraped[("callqa_database_up", ())] == 1
    private_redis.start()
    assert client.get("/api/health").status_code == 200


def test_without_redis_the_embedded_default_is_healthy(db: Database, tmp_path: Path) -> None:
    client = TestClient(make_app(db, tmp_path))
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["redis"] == "off" and response.json()["queues"] == {}


def test_the_database_down_is_503(db: Database, tmp_path: Path) -> None:
    app = make_app(db, tmp_path)
    broken = f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"
    from callqa.db.engine import create_db_engine

    app.state.engine = create_db_engine(broken)  # a database that cannot be opened
    try:
        response = TestClient(app).get("/api/health")
    finally:
        app.state.engine.dispose()
    assert response.status_code == 503
    assert response.json()["database"] == "down" and response.json()["status"] == "down"


def test_task_failures_are_counted_from_the_table_when_it_exists(db: Database) -> None:
    assert task_failure_count(db.engine, "test_task_failures_x") is None
    failures = Table("test_task_failures_x", MetaData(), Column("id", Integer, primary_key=True))
    failures.create(db.engine)
    try:
        with db.engine.begin() as connection:
            connection.execute(failures.insert(), [{"id": 1}, {"id": 2}])
        assert task_failure_count(db.engine, "test_task_failures_x") == 2
    finally:
        failures.drop(db.engine)


def test_metrics_in_prometheus_text(db: Database, tmp_path: Path, beating: str) -> None:
    seed(db)
    fill_queues(beating)
    wait_for_workers(beating, 1)
    client = TestClient(make_app(db, tmp_path, redis_url=beating))
    response = client.get("/metrics")  # no token configured: open
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    scraped = metrics_of(response.text)
    with db.factory() as session:
        interactions = session.scalar(select(func.count(InteractionRow.id)))
        current = session.scalar(select(func.count(EvaluationRow.id)).where(EvaluationRow.is_current))
    assert interactions and current  # the seeded demo data, scored
    assert scraped[("callqa_interactions_total", ())] == interactions
    assert scraped[("callqa_evaluations_current_total", ())] == current
    assert scraped[("callqa_ingest_failures_total", ())] == 0
    assert scraped[("callqa_task_failures_total", ())] == (task_failure_count(db.engine) or 0)
    assert scraped[("callqa_queue_length", (("queue", "transcribe"),))] == 3
    assert scraped[("callqa_queue_length", (("queue", "score"),))] == 1
    assert scraped[("callqa_queue_length", (("queue", "refresh"),))] == 0
    assert scraped[("callqa_tasks_unacked", ())] == 2
    assert scraped[("callqa_workers_alive", ())] == 1
    assert 0 <= scraped[("callqa_worker_last_beat_seconds", (("worker", "w1@host-a"),))] < 5
    assert scraped[("callqa_redis_up", ())] == 1
    assert not any(name == "callqa_live_calls" for name, _ in scraped)  # no live service in this process


def test_metrics_count_live_calls_in_progress(db: Database, tmp_path: Path) -> None:
    seed(db)
    client = TestClient(make_app(db, tmp_path))
    with db.factory.begin() as session:
        admin = session.scalar(select(UserRow.id).where(UserRow.username == "admin"))
        assert admin is not None
        token = create_token(session, admin, "metrics test")[0]
    headers = {"authorization": f"Bearer {token}"}
    _, start = call_messages(next(iter(demo_interactions().values())), "metrics-call")[0]
    with client.websocket_connect("/api/live/ingest", headers=headers) as ingest:
        ingest.send_text(json.dumps(start))
        deadline = time.monotonic() + 10
        while metrics_of(client.get("/metrics").text).get(("callqa_live_calls", ())) != 1:
            assert time.monotonic() < deadline, "the call never showed in /metrics"
            time.sleep(0.05)


def test_metrics_token_when_set(db: Database, tmp_path: Path) -> None:
    client = TestClient(make_app(db, tmp_path, metrics_token=SecretStr("m" * 32)))
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "callqa_" not in refused.text
    assert client.get("/metrics", headers={"authorization": "Bearer wrong"}).status_code == 401
    allowed = client.get("/metrics", headers={"authorization": f"Bearer {'m' * 32}"})
    assert allowed.status_code == 200 and "callqa_database_up 1.0" in allowed.text
    assert client.get("/api/health").status_code == 200  # the health check stays open


def test_two_apps_in_one_process_keep_their_own_figures(db: Database, tmp_path: Path) -> None:
    """Nothing global: each scrape builds its own registry, so no figure leaks from another app."""
    first = TestClient(make_app(db, tmp_path))
    second = TestClient(make_app(db, tmp_path / "b"))
    for client in (first, second, first):
        body = client.get("/metrics").text
        assert body.count("# TYPE callqa_database_up gauge") == 1


def test_a_heartbeat_outlives_a_redis_restart(private_redis: RedisServer) -> None:
    stop = start_heartbeat(private_redis.url, "w4@host-d", ["score"], interval_s=0.2)
    try:
        wait_for_workers(private_redis.url, 1)
        private_redis.stop()
        assert read_status(private_redis.url).redis == "down"
        time.sleep(0.6)  # beats fail meanwhile: logged, and tried again
        private_redis.start()
        deadline = time.monotonic() + 5
        while not [w for w in read_status(private_redis.url).workers if w.age_s < 0.3]:
            assert time.monotonic() < deadline, "the heartbeat never came back"
            time.sleep(0.05)
    finally:
        stop()
    assert read_status(private_redis.url).workers == []
