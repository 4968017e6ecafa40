"""Real worker processes for the worker tests: a PostgreSQL database of the module's own, ``callqa worker``
subprocesses (killed in teardown), the broker's queues read straight from Redis, and the checks that every
item was stored and scored exactly once."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from callqa.audio.decode import Audio, load_audio, write_audio
from callqa.db.engine import create_db_engine
from callqa.db.migrate import upgrade
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.workers.enqueue import UNACKED, Throttle
from callqa.workers.models import TaskFailureRow
from redis_support import RedisServer

POSTGRES_URL_ENV = "CALLQA_TEST_POSTGRES_URL"
ROOT = Path(__file__).resolve().parents[2]
DEMO_CALLS = ROOT / "src/callqa/demo/data/calls"
CONFIG = "ingest:\n  audio:\n    model: tiny.en\n"
QUEUE_KEYS = ("transcribe", "score", "refresh")


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_URL_ENV} is not set: the test command must start PostgreSQL")
    pytest.skip(f"PostgreSQL not configured ({POSTGRES_URL_ENV})")


@pytest.fixture(scope="module")
def own_database() -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database for this module (the shared one is truncated per test)."""
    server = make_url(postgres_server_url())
    name = f"callqa_workers_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(server.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_db_engine(server.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database(own_database: Engine) -> Engine:
    """The module's database, emptied for this test."""
    from callqa.tables import metadata

    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with own_database.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return own_database


@dataclass
class Cluster:
    """Environment and processes of one test: ``callqa worker`` subprocesses over one broker and database."""

    database: Engine
    broker: str
    folder: Path
    visibility_s: float = 8.0
    score_after_ingest: bool = False  # most tests enqueue scoring themselves, to kill a worker mid-batch
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        config = self.folder / "callqa.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        return {
            **os.environ,
            "CALLQA_DATABASE_URL": self.database.url.render_as_string(hide_password=False),
            "CALLQA_REDIS_URL": self.broker,
            "CALLQA_DATA_DIR": str(self.folder / "data"),
            "CALLQA_CONFIG_FILE": str(config),
            "CALLQA_WORKER_VISIBILITY_TIMEOUT_S": str(self.visibility_s),
            "CALLQA_WORKER_MAX_RETRIES": "3",
            "CALLQA_WORKER_SCORE_AFTER_INGEST": str(self.score_after_ingest).lower(),
            **extra,
        }

    def callqa(self, *args: str, timeout: float = 60, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "callqa", *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start_worker(self, *args: str, **extra: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "callqa", "worker", "--concurrency", "1", *args],
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-4000:] for p in sorted(self.folder.glob("worker-*.log"))
        )

    def stop_all(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):  # the group: pool processes a test orphaned too
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    # what the broker holds
    def in_flight(self) -> int:
        """Tasks queued plus taken and unacknowledged, read at one instant (as the enqueuer reads them)."""
        client = redis.Redis.from_url(self.broker)
        try:
            return Throttle(client, 1, QUEUE_KEYS).in_flight()
        finally:
            client.close()

    def taken(self, task: str) -> int:
        """Tasks named ``task`` delivered to a worker and not acknowledged yet."""
        client = redis.Redis.from_url(self.broker)
        try:
            found = 0
            for raw in client.hvals(UNACKED):
                message = json.loads(raw)[0]
                if message.get("headers", {}).get("task") == task:
                    found += 1
            return found
        finally:
            client.close()

    def taken_args(self, task: str) -> list[list[object]]:
        """The arguments of the tasks named ``task`` delivered to a worker and not acknowledged yet."""
        client = redis.Redis.from_url(self.broker)
        try:
            found = []
            for raw in client.hvals(UNACKED):
                message = json.loads(raw)[0]
                if message.get("headers", {}).get("task") == task:
                    body = json.loads(base64.b64decode(message["body"]))
                    found.append(body[0])
            return found
        finally:
            client.close()

    # what the database holds
    def count(self, what: object) -> int:
        with self.database.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(what)).scalar_one())  # type: ignore[arg-type]


@pytest.fixture
def cluster(database: Engine, private_redis: RedisServer, tmp_path: Path) -> Iterator[Cluster]:
    made = Cluster(database, private_redis.url, tmp_path)
    try:
        yield made
    finally:
        made.stop_all()


def pool_children(pid: int) -> list[int]:
    """The processes ``pid`` started (a worker's pool processes)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def wait_for(check: Callable[[], bool], timeout: float, what: str, cluster: Cluster | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    logs = cluster.logs() if cluster is not None else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")


def demo_clips(folder: Path, count: int, seconds: float = 12.0) -> list[Path]:
    """``count`` recordings cut from the demo call, each with its sidecar."""
    call = load_audio(DEMO_CALLS / "en-audio-01.flac", 16_000)
    rate = call.sample_rate
    paths = []
    for index in range(count):
        start = int(index * seconds * rate)
        samples = call.samples[:, start : start + int(seconds * rate)].copy()
        path = folder / f"a-call-{index}.flac"
        write_audio(path, Audio(samples, rate, call.source_rate))
        sidecar = {"external_id": f"rec-{index}", "agent": "a.kim", "language": "en"}
        path.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
        paths.append(path)
    return paths


def demo_transcripts(folder: Path, count: int) -> list[Path]:
    """``count`` transcripts of the demo data, each with its sidecar."""
    paths = []
    for index in range(1, count + 1):
        for suffix in (".txt", ".json"):
            source = DEMO_CALLS / f"en-call-0{index}{suffix}"
            (folder / source.name).write_bytes(source.read_bytes())
        paths.append(folder / f"en-call-0{index}.txt")
    return paths


def assert_exactly_once(cluster: Cluster, interactions: int) -> None:
    """Every item stored once and scored once: one current evaluation each, no orphan rows."""
    with cluster.database.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(InteractionRow)).scalar_one() == interactions
        )
        duplicates = connection.execute(
            select(InteractionRow.external_id).group_by(InteractionRow.external_id).having(func.count() > 1)
        ).all()
        assert duplicates == []
        per_interaction = connection.execute(
            select(EvaluationRow.interaction_id, func.count())
            .where(EvaluationRow.is_current.is_(True))
            .group_by(EvaluationRow.interaction_id)
        ).all()
        assert len(per_interaction) == interactions
        assert {n for _, n in per_interaction} == {1}
        # scored once: no history rows either (a repeated delivery stores nothing)
        assert (
            connection.execute(select(func.count()).select_from(EvaluationRow)).scalar_one() == interactions
        )
        orphan_analyses = connection.execute(
            select(func.count())
            .select_from(AnalysisRow)
            .where(
                ~select(EvaluationRow.id)
                .where(EvaluationRow.interaction_id == AnalysisRow.interaction_id)
                .exists()
            )
        ).scalar_one()
        assert orphan_analyses == 0
        orphan_results = connection.execute(
            select(func.count())
            .select_from(CriterionResultRow)
            .where(
                ~select(EvaluationRow.id).where(EvaluationRow.id == CriterionResultRow.evaluation_id).exists()
            )
        ).scalar_one()
        assert orphan_results == 0
        assert connection.execute(select(func.count()).select_from(AnalysisRow)).scalar_one() == interactions


def failures(cluster: Cluster) -> dict[str, str]:
    with cluster.database.connect() as connection:
        return {
            row.key: row.cause for row in connection.execute(select(TaskFailureRow.key, TaskFailureRow.cause))
        }


def cpu_seconds(pid: int) -> float:
    """CPU time ``pid`` has used so far (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mid_task(worker: subprocess.Popen[bytes], cluster: Cluster, task: str, suffix: str, cpu_s: float) -> str:
    """Wait until the worker's pool process has worked ``cpu_s`` seconds of CPU on one delivery of ``task``
    whose first argument ends with ``suffix`` (still unacknowledged: in the middle of it); its argument."""
    seen: dict[tuple[int, str], float] = {}
    found: list[str] = []

    def working() -> bool:
        taken = [str(args[0]) for args in cluster.taken_args(task) if str(args[0]).endswith(suffix)]
        for child in pool_children(worker.pid):
            for argument in taken:
                try:
                    used = cpu_seconds(child)
                except OSError:
                    continue
                if used - seen.setdefault((child, argument), used) >= cpu_s:
                    found.append(argument)
                    return True
        return False

    wait_for(working, 180, f"worker {worker.pid} in the middle of a {task} task on a {suffix} file", cluster)
    return found[0]
