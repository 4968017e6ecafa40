"""``callqa watch --enqueue`` feeding a real ``callqa worker`` over Redis into PostgreSQL: each arrival
ingested once, also when the watch runs again; the worker's heartbeat and the failure table show in
``/api/health`` and ``/metrics``, and a worker stopped cleanly leaves them at once.

Runs once the workers part of issue 20 is merged (``callqa worker``, the cluster fixture)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

pytest.importorskip("callqa.workers.app", reason="callqa worker comes with the workers part of issue 20")

from callqa.core.settings import Settings
from callqa.interactions.models import InteractionRow
from callqa.web.app import create_app
from callqa.workers.models import ArrivalRow
from callqa.workers.status import read_status
from workers.workers_support import Cluster, demo_clips, demo_transcripts, wait_for

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(300)]


def scrape(client: TestClient) -> dict[str, float]:
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(client.get("/metrics").text)
        for sample in family.samples
        if not sample.labels
    }


def test_watch_enqueues_each_arrival_once_for_a_real_worker(cluster: Cluster, tmp_path: Path) -> None:
    inbox = cluster.folder / "in"
    inbox.mkdir()
    demo_clips(inbox, 1)  # a recording with its sidecar
    demo_transcripts(inbox, 2)
    (inbox / "odd.txt").write_text("Robot: hello there\nCustomer: hi\n", encoding="utf-8")  # a poison item
    worker = cluster.start_worker()
    wait_for(lambda: len(read_status(cluster.broker).workers) == 1, 60, "the worker's heartbeat", cluster)

    watched = cluster.callqa("watch", str(inbox), "--once", "--stable", "0", "--enqueue")

    assert watched.returncode == 0, watched.stderr
    assert "4 arrivals enqueued" in watched.stdout
    wait_for(
        lambda: cluster.count(InteractionRow) == 3 and cluster.in_flight() == 0, 180, "the ingest", cluster
    )
    again = cluster.callqa("watch", str(inbox), "--once", "--stable", "0", "--enqueue")
    assert "0 arrivals enqueued" in again.stdout, again.stdout + again.stderr
    assert cluster.count(ArrivalRow) == 4
    assert cluster.count(InteractionRow) == 3

    settings = Settings(
        data_dir=tmp_path / "web",
        database_url=cluster.database.url.render_as_string(hide_password=False),
        redis_url=cluster.broker,
        secret_key=SecretStr("t" * 40),
    )
    client = TestClient(create_app(settings, engine=cluster.database))
    health = client.get("/api/health").json()
    assert health["status"] == "up" and health["workers_alive"] == 1
    assert health["queues"] == {"transcribe": 0, "score": 0, "refresh": 0, "live": 0}
    assert health["task_failures"] == 1  # odd.txt, recorded by the worker
    figures = scrape(client)
    assert figures["callqa_workers_alive"] == 1
    assert figures["callqa_task_failures_total"] == 1
    assert figures["callqa_interactions_total"] == 3

    worker.send_signal(signal.SIGTERM)  # a clean stop removes the heartbeat at once
    worker.wait(timeout=60)
    assert client.get("/api/health").json()["workers_alive"] == 0
