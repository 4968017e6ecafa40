"""Ingest throughput and peak memory for generated interactions (JSONL), on SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py [--count 100000] [--postgres-url URL]

Each case runs in a fresh process on a fresh database. The baseline is the least any importer must do with
the same file and schema: parse each JSON line and insert its interaction and turn rows in batches
(no validation, no redaction, no hashing, no idempotence). The ratio says what callqa's checks cost.
Without --postgres-url a throw-away server is started with scripts/postgres.sh (fsync off, as in tests).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import run_worker

ROOT = Path(__file__).resolve().parent.parent
PHRASES = {
    "en": [
        "Thank you for calling Acme Bank, this is {name}.",
        "I was charged twice for my annual fee.",
        "Can I have your date of birth to verify your identity?",
        "I'm sorry about that, let me check.",
        "The refund will arrive within 3 to 5 business days.",
        "Is there anything else I can help with?",
    ],
    "zh-Hans": [
        "您好，安信银行，我是{name}。",
        "我的信用卡被扣了两次年费。",
        "请提供您的出生日期核实身份。",
        "非常抱歉，我帮您查一下。",
        "退款将在三到五个工作日内到账。",
        "请问还有什么可以帮您？",
    ],
    "lt": [
        "Laba diena, čia Acme bankas, kalba {name}.",
        "Man du kartus nuskaičiavo metinį mokestį.",
        "Ar galite pasakyti gimimo datą tapatybei patvirtinti?",
        "Atsiprašau, tuoj patikrinsiu.",
        "Pinigai grįš per 3–5 darbo dienas.",
        "Ar galiu dar kuo nors padėti?",
    ],
    "fa": [
        "سلام، بانک اکمه، {name} هستم.",
        "کارمزد سالانه دو بار از حساب من کم شده است.",
        "لطفاً تاریخ تولد خود را برای احراز هویت بگویید.",
        "متأسفم، الان بررسی می‌کنم.",
        "مبلغ ظرف ۳ تا ۵ روز کاری برمی‌گردد.",
        "کار دیگری هست که بتوانم انجام دهم؟",
    ],
}


def generate(path: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` realistic interactions as JSONL (8–20 turns, four languages, surveys on some)."""
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            language = rng.choice(list(PHRASES))
            phrases = PHRASES[language]
            clock, turns = 0, []
            for t in range(rng.randint(8, 20)):
                text = rng.choice(phrases).format(name="Anna")
                length = rng.randint(1500, 9000)
                turns.append(
                    {
                        "role": "agent" if t % 2 == 0 else "customer",
                        "text": text,
                        "start_ms": clock,
                        "end_ms": clock + length,
                    }
                )
                clock += length + rng.randint(200, 3000)
            record: dict[str, Any] = {
                "external_id": f"bench-{i:07d}",
                "channel": rng.choice(["voice", "voice", "chat", "email"]),
                "direction": "inbound",
                "agent": f"agent-{rng.randint(1, 500)}",
                "team": f"team-{rng.randint(1, 40)}",
                "queue": rng.choice(["cards", "loans", "billing", "fraud"]),
                "language": language,
                "started_at": (start + timedelta(seconds=rng.randint(0, 60 * 86400))).isoformat(),
                "turns": turns,
            }
            if rng.random() < 0.2:
                record["survey"] = {"csat": rng.randint(1, 5), "nps": rng.randint(0, 10)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_callqa(url: str, path: Path) -> int:
    from callqa.core.config import IngestConfig
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.ingest.formats.registry import default_registry
    from callqa.ingest.runner import ingest_paths

    engine = create_db_engine(url)
    report = ingest_paths(
        [path],
        factory=session_factory(engine),
        registry=default_registry(),
        config=IngestConfig(),
        fmt="callqa-jsonl",
    )
    if report.failures:
        raise SystemExit(f"unexpected failures: {report.failures[:3]}")
    return report.stored


def run_baseline(url: str, path: Path) -> int:
    from sqlalchemy import insert

    from callqa.db.engine import create_db_engine
    from callqa.interactions.models import InteractionRow, TurnRow

    engine = create_db_engine(url)
    now = datetime.now(UTC)
    stored = 0
    with engine.begin() as connection, path.open("rb") as handle:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            ids = (
                connection.execute(
                    insert(InteractionRow).returning(InteractionRow.id, sort_by_parameter_order=True),
                    [{k: v for k, v in r.items() if k != "turns"} for r in batch],
                )
                .scalars()
                .all()
            )
            connection.execute(
                insert(TurnRow),
                [
                    {"interaction_id": i, "seq": s, **turn}
                    for i, r in zip(ids, batch, strict=True)
                    for s, turn in enumerate(r["turns"])
                ],
            )
            batch.clear()

        for line in handle:
            data = json.loads(line)
            survey = data.pop("survey", None) or {}
            batch.append(
                {
                    **data,
                    "source": "bench",
                    "started_at": datetime.fromisoformat(data["started_at"]),
                    "csat": survey.get("csat"),
                    "nps": survey.get("nps"),
                    "meta": {},
                    "turn_count": len(data["turns"]),
                    "content_hash": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            stored += 1
            if len(batch) >= 500:
                flush()
        if batch:
            flush()
    return stored


def worker(kind: str, url: str, path: Path) -> None:
    from callqa.db.engine import create_db_engine
    from callqa.db.migrate import upgrade

    upgrade(create_db_engine(url))
    began = time.perf_counter()
    stored = run_callqa(url, path) if kind == "callqa" else run_baseline(url, path)
    elapsed = time.perf_counter() - began
    # VmHWM covers this process image only (ru_maxrss keeps the parent's peak across fork and exec).
    with open("/proc/self/status", encoding="ascii") as status:
        fields = dict(line.split(":", 1) for line in status)
    peak_mb = int(fields["VmHWM"].split()[0]) / 1024
    sys.stdout.write(json.dumps({"stored": stored, "seconds": elapsed, "peak_mb": peak_mb}) + "\n")


def fresh_postgres_db(url: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def measure(kind: str, url: str, path: Path) -> dict[str, float]:
    return run_worker(__file__, kind, url, str(path))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--postgres-url")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], Path(args.worker[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "interactions.jsonl"
        generate(data, args.count)
        size_mb = data.stat().st_size / 1e6
        pg_url, pg_dir = args.postgres_url, None
        if pg_url is None:
            # Its own folder directly under /tmp: the server runs as user postgres and must reach it.
            pg_dir = Path(tempfile.mkdtemp(prefix="callqa-bench-pg."))
            pg_url = subprocess.run(
                [str(ROOT / "scripts/postgres.sh"), "start", str(pg_dir), "55439"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        rows = []
        try:
            for backend in ("sqlite", "postgresql"):
                results = {}
                for kind in ("baseline", "callqa"):
                    url = (
                        f"sqlite:///{folder / f'{kind}.db'}"
                        if backend == "sqlite"
                        else fresh_postgres_db(pg_url, f"bench_{kind}")
                    )
                    results[kind] = measure(kind, url, data)
                rows.append((backend, results))
        finally:
            if pg_dir is not None:
                subprocess.run([str(ROOT / "scripts/postgres.sh"), "stop", str(pg_dir)], check=False)
                shutil.rmtree(pg_dir, ignore_errors=True)
    print(f"{args.count} interactions, {size_mb:.0f} MB JSONL\n")
    print(
        "| database | callqa interactions/s | baseline interactions/s | callqa ÷ baseline time | "
        "callqa peak MB | baseline peak MB |"
    )
    print("|---|---|---|---|---|---|")
    for backend, results in rows:
        ours, base = results["callqa"], results["baseline"]
        rate, base_rate = ours["stored"] / ours["seconds"], base["stored"] / base["seconds"]
        ratio = ours["seconds"] / base["seconds"]
        print(
            f"| {backend} | {rate:,.0f} | {base_rate:,.0f} | {ratio:.2f}× | {ours['peak_mb']:.0f} "
            f"| {base['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
