"""Bulk interactions for ``bench/web.py`` at scale (1M and more), built fast and cached.

The text is real-text-like: two word-bigram (Markov) chains, one trained on the English dialogues of USS
(SGD/MultiWOZ/ReDial/CCPE, user and system turns), one on the Chinese JDDC customer-service dialogues
(segmented by jieba), generate pools of distinct sentences (by default 300,000 English and 60,000
Chinese, each indexed once by ``core.search_text.index_text``, the store path's own function). A turn is
one sentence of its speaker's pool, or two joined; 85 % of calls are English, 15 % Chinese. Words follow
the corpus's own frequencies, so "restaurant" is common and many words are rare.

Rows go in with the bulk paths each database is fast at (SQLite ``executemany`` without the FTS trigger
and secondary indexes, PostgreSQL ``COPY`` with its indexes dropped); the full-text index and the other
indexes are built once after the load. The first interactions come from ``web.prepare`` (the real store
and scoring path, the users); the bulk ones get a current evaluation with 15 criterion results.

A finished build is marked in the table ``bench_build`` (row count, turns per call, seed): a rerun with
the same arguments reuses the database (SQLite: ``.bench/web-<count>.db``; PostgreSQL: the database
named by the URL).
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DATA = Path("/work/shared/data/uss_user_satisfaction")
CRITERIA = [f"c{i:02d}" for i in range(15)]
CHUNK = 20_000  # interactions per insert batch
FIRST_DAY = datetime(2024, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 30, tzinfo=UTC)
_TOKEN = re.compile(r"\w+|[^\w\s]")
END = "\x00"


@dataclass(frozen=True)
class Pool:
    texts: list[str]
    indexed: list[str]  # index_text of each


def _english_turns() -> tuple[list[str], list[str]]:
    agent, customer = [], []
    for path in sorted((DATA / "english").glob("uss_english*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for turn in json.loads(line)["turns"]:
                text = (turn.get("text") or "").strip()
                if text:
                    (customer if turn["role"] == "USER" else agent).append(text)
    return agent, customer


def _chinese_turns() -> tuple[list[str], list[str]]:
    agent, customer = [], []
    for path in sorted((DATA / "jddc_usda_split").glob("jddc_*dialogues.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for turn in json.loads(line)["turns"]:
                if (turn.get("user") or "").strip():
                    customer.append(turn["user"].strip())
                if (turn.get("system") or "").strip():
                    agent.append(turn["system"].strip())
    return agent, customer


def _chain(sentences: Sequence[list[str]]) -> tuple[list[str], dict[str, list[str]]]:
    starts: list[str] = []
    follow: dict[str, list[str]] = defaultdict(list)
    for tokens in sentences:
        if not tokens:
            continue
        starts.append(tokens[0])
        for a, b in zip(tokens, [*tokens[1:], END], strict=True):
            follow[a].append(b)
    return starts, follow


def _walk(rng: random.Random, starts: list[str], follow: dict[str, list[str]], longest: int) -> list[str]:
    out = [rng.choice(starts)]
    while len(out) < longest:
        nxt = rng.choice(follow[out[-1]])
        if nxt == END:
            break
        out.append(nxt)
    return out


def _english_text(tokens: list[str]) -> str:
    text = " ".join(tokens)
    return re.sub(r" ([.,!?;:'])", r"\1", text)


def pools(seed: int, english: int, chinese: int) -> dict[tuple[str, str], Pool]:
    """Distinct generated sentences per (language, role), with their indexed words."""
    import jieba

    from callqa.core.search_text import index_text

    jieba.setLogLevel(60)
    rng = random.Random(seed)
    out: dict[tuple[str, str], Pool] = {}
    en_agent, en_customer = _english_turns()
    zh_agent, zh_customer = _chinese_turns()
    for language, role, real, size in (
        ("en", "agent", en_agent, english // 2),
        ("en", "customer", en_customer, english // 2),
        ("zh-Hans", "agent", zh_agent, chinese // 2),
        ("zh-Hans", "customer", zh_customer, chinese // 2),
    ):
        split = (lambda s: _TOKEN.findall(s)) if language == "en" else jieba.lcut
        starts, follow = _chain([split(s) for s in real])
        join = _english_text if language == "en" else "".join
        texts = list(dict.fromkeys(join(_walk(rng, starts, follow, 40)) for _ in range(size)))
        out[(language, role)] = Pool(texts, [index_text(t) for t in texts])
    return out


def _rows(
    pool: dict[tuple[str, str], Pool], first_id: int, first_turn: int, count: int, turns: int, seed: int
) -> Iterator[
    tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]
]:
    """Batches of (interactions, turns, evaluations, criterion results) as plain tuples."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    now = datetime.now(UTC).replace(tzinfo=None)
    turn_id = first_turn
    for start in range(0, count, CHUNK):
        interactions, turn_rows, evaluations, results = [], [], [], []
        for n in range(start, min(count, start + CHUNK)):
            ident = first_id + n
            language = "zh-Hans" if rng.random() < 0.15 else "en"
            # stored roughly in time order (as ingestion is), a few days of jitter
            at = FIRST_DAY + timedelta(seconds=span * n / count + rng.uniform(-3, 3) * 86400)
            agent = rng.randint(1, 500)
            interactions.append(
                (
                    ident,
                    "bench",
                    f"bulk-{n:07d}",
                    "voice",
                    f"agent-{agent:03d}",
                    f"Team {agent % 25 + 1}",
                    f"queue-{rng.randint(1, 8)}",
                    at.replace(tzinfo=None),
                    rng.randint(60, 1800) * 1000,
                    language,
                    float(rng.randint(1, 5)) if rng.random() < 0.3 else None,
                    5,
                    turns,
                    f"{ident:064d}",
                    now,
                    now,
                )
            )
            for seq in range(turns):
                role = "agent" if seq % 2 == 0 else "customer"
                source = pool[(language, role)]
                k = rng.randrange(len(source.texts))
                text, indexed = source.texts[k], source.indexed[k]
                if rng.random() < 0.35:
                    j = rng.randrange(len(source.texts))
                    text, indexed = f"{text} {source.texts[j]}", f"{indexed} {source.indexed[j]}"
                turn_rows.append((turn_id, ident, seq, role, text, indexed, seq * 6000))
                turn_id += 1
            score = float(rng.randint(20, 100))
            auto_failed = rng.random() < 0.1
            evaluations.append((ident, ident, score, auto_failed, now))
            for c, criterion in enumerate(CRITERIA):
                outcome = rng.choice(("pass", "pass", "pass", "fail", "n/a"))
                results.append((ident * 16 + c, ident, criterion, outcome))
        yield interactions, turn_rows, evaluations, results


INTERACTION_COLUMNS = (
    "id, source, external_id, channel, agent, team, queue, started_at, duration_ms, language, csat,"
    " csat_scale, turn_count, content_hash, created_at, updated_at"
)
TURN_COLUMNS = "id, interaction_id, seq, role, text, search_text, start_ms"


def _secondary_indexes(tables: Sequence[str]) -> list[Any]:
    from callqa.db.base import Base

    return [index for name in tables for index in Base.metadata.tables[name].indexes]


BULK_TABLES = ("interactions", "turns", "evaluations", "criterion_results")


def mark_done(url: str, count: int, turns: int, seed: int) -> None:
    from sqlalchemy import text

    from callqa.db.engine import create_db_engine

    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS bench_build (spec TEXT)"))
        connection.execute(text("INSERT INTO bench_build VALUES (:s)"), {"s": f"{count}/{turns}/{seed}"})
    engine.dispose()


def is_done(url: str, count: int, turns: int, seed: int) -> bool:
    from sqlalchemy import inspect, text

    from callqa.db.engine import create_db_engine

    engine = create_db_engine(url)
    try:
        if "bench_build" not in inspect(engine).get_table_names():
            return False
        with engine.connect() as connection:
            specs = set(connection.execute(text("SELECT spec FROM bench_build")).scalars())
        return f"{count}/{turns}/{seed}" in specs
    finally:
        engine.dispose()


def bulk_load(url: str, count: int, *, turns: int, seed: int, card_id: int, log: Any = print) -> None:
    """``count`` more interactions after the ones stored, with their turns, evaluations and results."""
    from sqlalchemy import text

    from callqa.db.engine import create_db_engine

    started = time.perf_counter()
    pool = pools(seed, english=300_000, chinese=60_000)
    log(f"sentence pools ready in {time.perf_counter() - started:.0f} s")
    engine = create_db_engine(url)
    with engine.connect() as connection:
        first_id = (
            int(connection.execute(text("SELECT coalesce(max(id), 0) FROM interactions")).scalar_one()) + 1
        )
        first_turn = int(connection.execute(text("SELECT coalesce(max(id), 0) FROM turns")).scalar_one()) + 1
        eval_base = int(connection.execute(text("SELECT coalesce(max(id), 0) FROM evaluations")).scalar_one())
    indexes = _secondary_indexes(BULK_TABLES)
    for index in indexes:
        index.drop(engine, checkfirst=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX IF EXISTS ix_turns_search_vector")
    batches = _rows(pool, first_id, first_turn, count, turns, seed)
    if engine.dialect.name == "sqlite":
        _load_sqlite(engine, batches, card_id, eval_base, log)
    else:
        _load_postgres(engine, batches, card_id, eval_base, log)
    log(f"rows loaded in {time.perf_counter() - started:.0f} s; building indexes")
    for index in indexes:
        index.create(engine, checkfirst=True)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')")
            # merged into one segment: a lookup of one turn seeks one doclist, not dozens (10-30x faster)
            connection.exec_driver_sql("INSERT INTO turns_fts(turns_fts) VALUES ('optimize')")
            connection.exec_driver_sql(
                "CREATE TRIGGER IF NOT EXISTS turns_fts_insert AFTER INSERT ON turns BEGIN"
                " INSERT INTO turns_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
            )
        else:
            connection.exec_driver_sql("SET maintenance_work_mem = '1GB'")
            connection.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_turns_search_vector ON turns USING gin (search_vector)"
            )
            for table in BULK_TABLES:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
        )
    log(f"bulk load done in {time.perf_counter() - started:.0f} s")
    engine.dispose()


def _evaluation(row: tuple[Any, ...], card_id: int, eval_base: int) -> tuple[Any, ...]:
    ident, interaction, score, auto_failed, now = row
    return (
        eval_base + ident,
        interaction,
        card_id,
        "standard",
        "bench",
        "bench",
        "bench",
        score,
        None,
        auto_failed,
        False,
        True,
        now,
        score,
        auto_failed,
    )


EVALUATION_COLUMNS = (
    "id, interaction_id, scorecard_id, scorecard_name, engine_version, pipeline, interaction_hash, score,"
    " raw_score, auto_failed, passed, is_current, created_at, ai_score, ai_auto_failed"
)
RESULT_COLUMNS = (
    "id, evaluation_id, criterion, section, title, outcome, confidence, weight, critical, explanation,"
    " evidence, ai_outcome"
)


def _result(row: tuple[Any, ...], eval_base: int) -> tuple[Any, ...]:
    ident, interaction, criterion, outcome = row
    return (
        ident,
        eval_base + interaction,
        criterion,
        "s",
        criterion,
        outcome,
        0.5,
        1.0,
        False,
        "",
        "[]",
        outcome,
    )


def _load_sqlite(engine: Any, batches: Iterator[Any], card_id: int, eval_base: int, log: Any) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -400000")
        cursor.execute("DROP TRIGGER IF EXISTS turns_fts_insert")
        done = 0
        for interactions, turns, evaluations, results in batches:
            cursor.executemany(
                f"INSERT INTO interactions ({INTERACTION_COLUMNS}, metadata, direction) "
                f"VALUES ({', '.join('?' * 16)}, '{{}}', 'inbound')",
                [_sqlite_dates(r) for r in interactions],
            )
            cursor.executemany(f"INSERT INTO turns ({TURN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", turns)
            cursor.executemany(
                f"INSERT INTO evaluations ({EVALUATION_COLUMNS}) VALUES ({', '.join('?' * 15)})",
                [_sqlite_dates(_evaluation(r, card_id, eval_base)) for r in evaluations],
            )
            cursor.executemany(
                f"INSERT INTO criterion_results ({RESULT_COLUMNS}) VALUES ({', '.join('?' * 12)})",
                [_result(r, eval_base) for r in results],
            )
            raw.commit()
            done += len(interactions)
            if done % 100_000 < CHUNK:
                log(f"  {done} interactions")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        raw.close()


def _sqlite_dates(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)


def _utc(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.replace(tzinfo=UTC) if isinstance(v, datetime) else v for v in row)


def _load_postgres(engine: Any, batches: Iterator[Any], card_id: int, eval_base: int, log: Any) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers during the load
        done = 0
        for interactions, turns, evaluations, results in batches:
            for table, columns, rows in (
                ("interactions", INTERACTION_COLUMNS, [_utc(r) for r in interactions]),
                ("turns", TURN_COLUMNS, turns),
                (
                    "evaluations",
                    EVALUATION_COLUMNS,
                    [_utc(_evaluation(r, card_id, eval_base)) for r in evaluations],
                ),
                ("criterion_results", RESULT_COLUMNS, [_result(r, eval_base) for r in results]),
            ):
                extra = ", metadata, direction" if table == "interactions" else ""
                with cursor.copy(f"COPY {table} ({columns}{extra}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, "{}", "inbound") if extra else row)
            raw.commit()
            done += len(interactions)
            if done % 100_000 < CHUNK:
                log(f"  {done} interactions")
    finally:
        raw.close()
