"""Workers on Celery against in-process: scaling 1 → 2 workers and the engine's overhead per task.

    .venv/bin/python bench/workers.py [--data ../shared/data] [--limit 100] [--batch 10] [--empty 300]

Starts its own PostgreSQL and Redis (``scripts/postgres.sh``, ``scripts/redis.sh``) in a temporary folder.
The real set of ``bench/score_real.py`` (JDDC and USS English dev dialogues, Harper Valley dev calls, the
real call as Whisper transcribes it; at most ``--limit`` per set) is stored once in a template database;
every case scores a fresh copy of it (``CREATE DATABASE … TEMPLATE``), models loaded and warmed before the
clock starts:
  * ``in-process ×1``: ``score_stored`` in one process pinned to one core (``taskset``), batches of
    ``--batch`` — the **baseline**;
  * ``celery ×1``: the same interactions as ``score`` tasks of ``--batch`` ids (``enqueue_scoring``)
    through one ``callqa worker --concurrency 1`` pinned to core 0, timed from the first enqueue to the
    last evaluation stored;
  * ``celery ×2``: two such workers, one per core; **scaling efficiency** = rate(×2) ÷ (2 × rate(×1));
  * ``in-process ×2``: ``score_stored`` with both cores (what one process makes of this machine);
  * ``empty tasks``: ``--empty`` score tasks whose interactions (the warm-up ones) are scored already,
    through one worker, against the same library call in-process: the engine's **overhead per task**
    (broker round trip, acknowledgement, our idempotency checks).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_mb  # noqa: E402

CALLQA = str(Path(sys.executable).with_name("callqa"))
WARM = 4  # interactions scored one per task before the clock starts (each worker loads its models)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _script(name: str, *args: str) -> str:
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *args], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _admin(url: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(sql))
    engine.dispose()


def _database(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + f"/{name}"


def build_template(url: str, data: Path, limit: int, cache: Path) -> dict[str, Any]:
    """The real set stored once; the first ``WARM`` interactions are short ones used to warm the workers."""
    import score_real
    from callqa.core.document import Interaction
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.interactions.service import StoreItem, store_interactions

    docs = [
        *score_real.jddc(data, limit),
        *score_real.uss_english(data, limit),
        *score_real.harper_valley(data, limit),
        score_real.asr_call(data, cache, "base"),
    ]
    warm = [dict(d, external_id=f"warm-{i}") for i, d in enumerate(docs[:WARM])]
    engine = create_db_engine(url)
    ensure_schema(engine)
    factory = session_factory(engine)
    everything = [*warm, *docs]
    for start in range(0, len(everything), 500):
        with factory.begin() as session:
            store_interactions(
                session, [StoreItem(Interaction.model_validate(d)) for d in everything[start : start + 500]]
            )
    engine.dispose()
    return {"interactions": len(docs), "turns": sum(len(d["turns"]) for d in docs)}


def _settings(url: str, redis_url: str, home: Path) -> Any:
    from callqa.core.settings import Settings

    return Settings(database_url=url, redis_url=redis_url, data_dir=home, background_jobs=False)


def _evaluated(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        count = int(
            connection.execute(text("SELECT count(*) FROM evaluations WHERE is_current")).scalar_one()
        )
    engine.dispose()
    return count


def in_process(url: str, home: str, batch: int, empty: int) -> dict[str, Any]:
    """Child: score every interaction (or ``empty`` batches of already-scored ones) in this process."""
    from callqa.core.settings import Settings
    from callqa.ml.embeddings import get_embedder
    from callqa.runtime import Runtime
    from callqa.scoring.service import score_stored
    from callqa.workers.tasks import score_batch

    runtime = Runtime.open(Settings(database_url=url, data_dir=Path(home), background_jobs=False))
    card = runtime.scorecards.current(None)
    pipeline = runtime.pipeline
    get_embedder().embed(["warm up"])
    score_stored(runtime.factory, card, pipeline=pipeline, ids=list(range(1, WARM + 1)), batch_size=1)
    started = time.perf_counter()
    if empty:
        for _ in range(empty):
            score_batch(runtime, list(range(1, WARM + 1)), None, False)
        scored = 0
    else:
        scored = score_stored(runtime.factory, card, pipeline=pipeline, batch_size=batch).scored
    elapsed = time.perf_counter() - started
    runtime.close()
    return {"seconds": elapsed, "scored": scored, "peak_mb": peak_mb()}


class Workers:
    """``count`` ``callqa worker`` processes on the score queue, each pinned to its own core."""

    def __init__(self, count: int, env: dict[str, str], logs: Path) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        cores = sorted(os.sched_getaffinity(0))
        for i in range(count):
            log = (logs / f"worker-{count}-{i}.log").open("wb")
            self.procs.append(
                subprocess.Popen(
                    [
                        "taskset",
                        "-c",
                        str(cores[i % len(cores)]),
                        CALLQA,
                        "worker",
                        "--queues",
                        "score",
                        "--concurrency",
                        "1",
                        "--log-level",
                        "warning",
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def through_celery(
    url: str, redis_url: str, home: Path, count: int, batch: int, empty: int
) -> dict[str, Any]:
    from callqa.runtime import Runtime
    from callqa.workers.app import make_app
    from callqa.workers.enqueue import enqueue_scoring
    from callqa.workers.queues import SCORE, SCORE_TASK

    settings = _settings(url, redis_url, home)
    env = {
        **os.environ,
        "CALLQA_DATABASE_URL": url,
        "CALLQA_REDIS_URL": redis_url,
        "CALLQA_DATA_DIR": str(home),
        "CALLQA_BACKGROUND_JOBS": "false",
    }
    runtime = Runtime.open(settings)
    app = make_app(settings)
    workers = Workers(count, env, home)
    try:
        deadline = time.monotonic() + 300
        while len(app.control.ping(timeout=0.5) or []) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"workers did not start: see {home}/worker-*.log")
        for i in range(1, WARM + 1):  # each worker loads its models on its first task
            app.send_task(SCORE_TASK, args=[[i], None, False], queue=SCORE)
        while _evaluated(url) < WARM:
            time.sleep(0.2)
        _ = runtime.pipeline  # what enqueue_scoring reads, built before the clock starts
        started = time.perf_counter()
        if empty:
            for _ in range(empty):
                app.send_task(SCORE_TASK, args=[list(range(1, WARM + 1)), None, False], queue=SCORE)
            import redis

            client = redis.Redis.from_url(redis_url)
            while client.llen(SCORE) or client.hlen("unacked"):
                time.sleep(0.05)
            tasks, target = empty, WARM
        else:
            report = enqueue_scoring(runtime, batch_size=batch, app=app)
            tasks, target = report.tasks, WARM + report.items
            while _evaluated(url) < target:
                time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        workers.stop()
        runtime.close()
    return {"seconds": elapsed, "scored": target - WARM, "tasks": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=100, help="dialogues per real set")
    parser.add_argument("--batch", type=int, default=10, help="interactions per task / per batch")
    parser.add_argument("--empty", type=int, default=300, help="empty tasks for the overhead case")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench")
    parser.add_argument("--worker", nargs="*")
    args = parser.parse_args()
    if args.worker is not None:
        url, home, batch, empty = args.worker
        print(json.dumps(in_process(url, home, int(batch), int(empty))))
        return
    tmp = Path(tempfile.mkdtemp(prefix="callqa-bench-workers-"))
    tmp.chmod(0o755)  # the PostgreSQL server runs as user postgres
    pg, rd = tmp / "pg", tmp / "redis"
    try:
        server = _script("postgres.sh", "start", str(pg), str(_free_port()))
        redis_url = _script("redis.sh", "start", str(rd), str(_free_port()))
        template = _database(server, "bench_template")
        _admin(server, "CREATE DATABASE bench_template")
        sizes = build_template(template, args.data, args.limit, args.cache)
        print(f"real set: {sizes['interactions']} interactions, {sizes['turns']} turns (+{WARM} warm-up)")
        rows: list[tuple[str, dict[str, Any]]] = []
        cases = [
            ("in-process ×1", "in", 1, 0),
            ("celery ×1", "celery", 1, 0),
            ("celery ×2", "celery", 2, 0),
            ("in-process ×2", "in", 2, 0),
            ("empty tasks in-process", "in", 1, args.empty),
            ("empty tasks celery ×1", "celery", 1, args.empty),
        ]
        for n, (name, kind, count, empty) in enumerate(cases):
            db = f"case_{n}"
            _admin(server, f"CREATE DATABASE {db} TEMPLATE bench_template")
            url = _database(server, db)
            home = tmp / db
            home.mkdir()
            subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)
            if kind == "in":
                cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[:count])
                result = run_worker_pinned(cpus, url, str(home), args.batch, empty)
            else:
                result = through_celery(url, redis_url, home, count, args.batch, empty)
            rows.append((name, result))
            print(name, json.dumps(result), flush=True)
        report(rows, args.batch)
    finally:
        _script("redis.sh", "stop", str(rd))
        _script("postgres.sh", "stop", str(pg))
        shutil.rmtree(tmp, ignore_errors=True)


def run_worker_pinned(cpus: str, url: str, home: str, batch: int, empty: int) -> dict[str, Any]:
    out = subprocess.run(
        ["taskset", "-c", cpus, sys.executable, __file__, "--worker", url, home, str(batch), str(empty)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def report(rows: list[tuple[str, dict[str, Any]]], batch: int) -> None:
    by = dict(rows)
    rate = {name: r["scored"] / r["seconds"] for name, r in rows if r["scored"]}
    print()
    print("| case | interactions | seconds | interactions/s | against in-process ×1 |")
    print("|---|---:|---:|---:|---:|")
    base = rate["in-process ×1"]
    for name, r in rows:
        if r["scored"]:
            line = f"| {name} | {r['scored']} | {r['seconds']:.1f} | {rate[name]:.2f}"
            print(f"{line} | {rate[name] / base:.2f}× |")
    efficiency = rate["celery ×2"] / (2 * rate["celery ×1"])
    print(f"\nscaling 1 → 2 workers: {efficiency:.2f} of linear")
    tasks = by["celery ×1"]["tasks"]
    extra = (by["celery ×1"]["seconds"] - by["in-process ×1"]["seconds"]) / max(tasks, 1) * 1000
    print(f"celery ×1 against in-process ×1: {extra:+.1f} ms per task of {batch} ({tasks} tasks)")
    empty_in, empty_celery = by["empty tasks in-process"], by["empty tasks celery ×1"]
    n = empty_celery["tasks"]
    per = (empty_celery["seconds"] - empty_in["seconds"]) / n * 1000
    print(
        f"engine overhead per task (empty tasks): {per:.1f} ms "
        f"({empty_celery['seconds'] / n * 1000:.1f} ms through Celery, "
        f"{empty_in['seconds'] / n * 1000:.1f} ms in-process)"
    )


if __name__ == "__main__":
    main()
