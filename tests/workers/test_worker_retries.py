"""A transient fault — the database refusing connections while a task runs — is retried with backoff and
the item is stored once the database is back, with no poison item recorded."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine
from callqa.interactions.models import InteractionRow
from callqa.workers.app import make_app
from callqa.workers.queues import INGEST_TASK
from workers.workers_support import Cluster, failures, wait_for

pytestmark = pytest.mark.issue(20)


def set_connections(database: Engine, allowed: bool) -> None:
    """Let clients connect to the database or not; when not, end the connections it has."""
    name = database.url.database
    admin = create_db_engine(
        make_url(database.url).set(database="postgres").render_as_string(hide_password=False)
    )
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
    finally:
        admin.dispose()


def test_a_database_outage_mid_run_is_retried_with_backoff(cluster: Cluster) -> None:
    worker = cluster.start_worker()
    wait_for(lambda: " ready." in cluster.logs(), 60, "the worker to start", cluster)
    call = cluster.folder / "call-1.txt"
    call.write_text("Agent: thank you for calling\nCustomer: my card was charged twice\n", encoding="utf-8")
    digest = hashlib.sha256(call.read_bytes()).hexdigest()
    cluster.database.dispose()
    set_connections(cluster.database, allowed=False)
    try:
        app = make_app(Settings(database_url=cluster.env()["CALLQA_DATABASE_URL"], redis_url=cluster.broker))
        app.send_task(INGEST_TASK, args=[str(call), digest])
        wait_for(lambda: "retrying in 2 s" in cluster.logs(), 30, "a first retry", cluster)
    finally:
        set_connections(cluster.database, allowed=True)

    wait_for(
        lambda: cluster.count(InteractionRow) == 1 and cluster.in_flight() == 0,
        60,
        "the retried task",
        cluster,
    )
    assert "OperationalError; retrying in 2 s" in cluster.logs()
    assert failures(cluster) == {}
    assert worker.poll() is None
