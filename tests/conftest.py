"""Shared fixtures: real databases (SQLite always, PostgreSQL when the test command started one)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from callqa.db.engine import create_db_engine, session_factory
from callqa.db.migrate import upgrade
from callqa.tables import metadata
from support import Database

pytest_plugins = ["redis_support"]  # redis_url, private_redis

POSTGRES_URL_ENV = "CALLQA_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for every test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        yield None
        return
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


def _truncate_all(engine: Engine) -> None:
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres_engine: Engine | None
) -> Iterator[Database]:
    """A migrated, empty database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "callqa.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        engine = create_db_engine(url)
        yield Database("sqlite", url, engine, session_factory(engine))
        engine.dispose()
        return
    if postgres_engine is None:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_URL_ENV} is not set: the test command must start PostgreSQL")
        pytest.skip(f"PostgreSQL not configured ({POSTGRES_URL_ENV})")
    _truncate_all(postgres_engine)
    yield Database(
        "postgresql",
        str(postgres_engine.url.render_as_string(hide_password=False)),
        postgres_engine,
        session_factory(postgres_engine),
    )


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """Only SQLite, for tests about parsing rather than storage."""
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    yield Database("sqlite", url, engine, session_factory(engine))
    engine.dispose()


@pytest.fixture
def cli_env(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Database:
    """The CLI pointed at the test database."""
    monkeypatch.setenv("CALLQA_DATABASE_URL", db.url)
    monkeypatch.setenv("CALLQA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CALLQA_CONFIG_FILE", raising=False)
    return db


# What `pytest -m "not slow"` leaves out for day-to-day work (the full suite, CI's, runs everything): the
# PostgreSQL run of each database test (the SQLite run stays), real Chromium, Whisper on real audio, servers
# started as processes, and the large-input tests marked by hand.
_WORKER_PROCESSES = (
    "workers/test_worker_runs",
    "workers/test_worker_faults",
    "workers/test_throttle",
    "workers/test_score_race",
    "workers/test_worker_retries",
    "workers/test_watch_workers",
    "workers/test_scale_out",
    "workers/test_live_queue",
    "live/test_cluster_servers",
)
_SLOW_MODULES = (
    "audio/",
    *_WORKER_PROCESSES,
    "live/test_audio.py",
    "live/test_server.py",
    "web/test_lifecycle.py",
    "accuracy/",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        where = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (
            "postgresql" in params.values()
            or "browser" in item.name
            or "browser" in where
            or where.startswith(_SLOW_MODULES)
        ):
            item.add_marker(pytest.mark.slow)
