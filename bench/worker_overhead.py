"""Per-task overhead of the Celery engine against in-process: the same small transcript files ingested one
file at a time by ``ingest_paths`` in this process, then as one task each through one ``callqa worker``
process (concurrency 1) over Redis, into the same PostgreSQL server (a fresh database each).

    .venv/bin/python bench/worker_overhead.py POSTGRES_SERVER_URL REDIS_URL [files]
    # e.g. postgresql+psycopg://postgres@127.0.0.1:55441/postgres redis://127.0.0.1:56381/5 300

The difference per file is what the engine adds: the broker round trip, acknowledging late, the task's
idempotency checks (its poison-item lookup) and the enqueuer's SHA-256.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
from callqa.interactions.models import InteractionRow
from callqa.runtime import Runtime


def make_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for index in range(count):
        path = folder / f"call-{index:05}.txt"
        path.write_text(
            f"Agent: thank you for calling, this is call {index}, how can I help?\n"
            "Customer: my card was charged twice for the same order\n"
            "Agent: I am sorry about that, let me check and refund the second charge\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def new_database(server: str) -> str:
    name = f"callqa_bench_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(make_url(server).set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    admin = create_db_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def in_process(url: str, files: list[Path], data: Path) -> float:
    with Runtime.open(Settings(database_url=url, data_dir=data)) as runtime:
        registry = default_registry(runtime.settings)
        began = time.perf_counter()
        for path in files:
            ingest_paths([path], factory=runtime.factory, registry=registry, config=runtime.config.ingest)
        return time.perf_counter() - began


def through_worker(url: str, broker: str, files: list[Path], data: Path) -> float:
    env = {**os.environ, "CALLQA_DATABASE_URL": url, "CALLQA_REDIS_URL": broker, "CALLQA_DATA_DIR": str(data)}
    env["CALLQA_WORKER_MAX_IN_FLIGHT"] = str(len(files) + 10)
    redis.Redis.from_url(broker).flushdb()
    subprocess.run(
        [sys.executable, "-m", "callqa", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "callqa", "worker", "-c", "1", "--queues", "transcribe"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    engine = create_db_engine(url)
    try:
        time.sleep(8)  # the worker is up (its first task pays no start-up)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "callqa", "ingest", "--enqueue", str(files[0].parent)],
            env=env,
            check=True,
            capture_output=True,
        )
        while True:
            with engine.connect() as connection:
                if connection.execute(select(func.count(InteractionRow.id))).scalar_one() >= len(files):
                    break
            time.sleep(0.05)
        return time.perf_counter() - began
    finally:
        os.killpg(worker.pid, 9)
        worker.wait()
        engine.dispose()


def main() -> None:
    server, broker = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    databases = [new_database(server), new_database(server)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            local = in_process(databases[0], make_files(root / "a", count), root / "data-a")
            remote = through_worker(databases[1], broker, make_files(root / "b", count), root / "data-b")
    finally:
        for url in databases:
            drop_database(url)
    print(f"{count} files, one at a time: in-process {local / count * 1000:.1f} ms/file")
    print(f"through one worker (enqueue included): {remote / count * 1000:.1f} ms/file")
    print(f"engine overhead: {(remote - local) / count * 1000:.1f} ms per task")


if __name__ == "__main__":
    main()
