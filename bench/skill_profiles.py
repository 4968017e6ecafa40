"""Skill profiles at scale: the per-cell sums added up by the database (``callqa.skills.sums``) against the
same sums added up in Python one fact at a time (the former path, kept as ``tests/skills_reference.py``).

    .venv/bin/python bench/skill_profiles.py [--count 200000] [--agents 200] [--repeat 3] [--no-demo]
        [--postgres postgresql+psycopg://USER@HOST:PORT/DB]

* **synthetic**: ``--count`` insight facts over 90 days, ``--agents`` agents in teams of ten, the eleven
  contact reasons, three languages and three channels, written straight into a fresh SQLite file (facts
  only: the profiles read nothing else). Each
  agent's outcomes follow the skills planted by ``callqa.insights.synthetic_skills`` (``effect``: criteria
  fail less, the customer is happier and the contact shorter on a strength; the reverse on a weakness), so
  the profiles have real differences to find. (The full synthetic centre with transcripts and scoring,
  ``bench/routing.py``, takes minutes for 20,000 interactions; the profiles read only the facts.)
* **synthetic, PostgreSQL** (with ``--postgres``): the same facts in a new database on that server
  (``callqa_bench_skills``, dropped at the end), the Python path reading them over the connection;
* **demo**: the bundled demo (``callqa demo`` into a temporary SQLite file: loaded, scored, refreshed).

Both paths run ``--repeat`` times one after the other on the same data (best time kept), first the sums
alone (what moved into SQL), then the whole profiles (the same roll-ups, shrinkage and levels follow in
Python on either path), and must agree: the same cells and levels, composites within 1e-9. The ratios are
Python ÷ SQL.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # skills_reference: the Python path, kept with the tests

UNTIL = date(2026, 11, 30)
DAYS = 90
LANGUAGES = (("en", 0.6), ("lt", 0.25), ("zh", 0.15))
PG_DATABASE = "callqa_bench_skills"
DROP_FACTS_FOREIGN_KEYS = """DO $$ DECLARE c record; BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'insight_facts'::regclass AND contype = 'f'
  LOOP EXECUTE 'ALTER TABLE insight_facts DROP CONSTRAINT ' || quote_ident(c.conname); END LOOP;
END $$"""
CHANNELS = (("voice", 0.6), ("chat", 0.3), ("email", 0.1))  # e-mail: no handle time


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def fact_batches(count: int, agents: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    """``count`` facts in batches, outcomes shaped by each agent's planted skills."""
    from callqa.insights.synthetic_skills import REASONS, agent_names, effect, planted_skills

    names = agent_names(agents)
    planted = planted_skills(names, seed)
    rng = random.Random(seed)
    base_s = {r: 180 + 40 * i for i, r in enumerate(REASONS)}
    first = UNTIL - timedelta(days=DAYS - 1)
    for start in range(0, count, 20_000):
        facts = []
        for i in range(start + 1, min(count, start + 20_000) + 1):
            at = rng.randrange(agents)
            agent, team = names[at], f"Team {at // 10 + 1:02d}"
            reason, language, channel = rng.choice(REASONS), _pick(rng, LANGUAGES), _pick(rng, CHANNELS)
            skill = effect(planted, agent, reason)
            day = first + timedelta(days=rng.randrange(DAYS))
            score = max(0.0, min(100.0, rng.gauss(84, 8) - 10 * (skill.fail - 1)))
            surveyed = rng.random() < 0.3
            csat = float(max(1, min(5, round(rng.gauss(3.9 + skill.mood / 1.5, 0.9))))) if surveyed else None
            timed = channel != "email"
            handle = int(base_s[reason] * skill.handle * rng.lognormvariate(0, 0.4) * 1000) if timed else None
            facts.append(
                {
                    "interaction_id": i, "evaluation_id": None, "day": day, "hour": 9,
                    "weekday": day.weekday(), "channel": channel, "language": language, "queue": "main",
                    "team": team, "agent": agent, "customer": "", "tenure": "", "reason": reason,
                    "score": score, "low": score < 70, "ai_score": score, "ai_low": score < 70,
                    "ai_auto_failed": False, "reviewed": False, "auto_failed": False, "csat": csat,
                    "nps": None, "predicted_csat": 3.9 + skill.mood / 2 if rng.random() < 0.8 else None,
                    "handle_ms": handle, "recontact": rng.random() < 0.12 * skill.fail,
                    "sentiment": None, "sentiment_end": None, "criteria_judged": 0,
                    "criteria_failed": 0, "criteria_na": 0, "criteria_ai_judged": 0,
                    "criteria_ai_failed": 0, "criteria_ai_na": 0,
                }
            )  # fmt: skip
        yield facts


def generate(urls: list[str], count: int, agents: int, seed: int) -> None:
    """The same ``count`` facts into each database of ``urls`` (new, schema made here). The profiles read
    nothing but the facts, so no interaction rows are written: SQLite's connection leaves foreign keys
    unchecked, and the bench's own PostgreSQL database drops the facts' foreign key to interactions."""
    from sqlalchemy import insert, text

    from callqa.db.engine import create_db_engine
    from callqa.db.migrate import ensure_schema
    from callqa.insights.models import InsightFactRow

    engines = [create_db_engine(url) for url in urls]
    connections = []
    for engine in engines:
        ensure_schema(engine)
        connection = engine.connect()
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before the first write: no transaction
        else:
            connection.execute(text(DROP_FACTS_FOREIGN_KEYS))
        connections.append(connection)
    for facts in fact_batches(count, agents, seed):
        for connection in connections:
            connection.execute(insert(InsightFactRow), facts)
    for connection in connections:
        connection.commit()
        connection.close()
    for engine in engines:
        engine.dispose()


def note(text: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def _best(call: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - began)
    return min(times), result


def measure(url: str, repeat: int) -> dict[str, Any]:
    """Both paths on the database at ``url``: best seconds of ``repeat`` runs of the sums alone and of the
    whole profiles, and whether the two paths agree."""
    from sqlalchemy import func, select

    from callqa.db.engine import create_db_engine, session_factory
    from callqa.insights.models import InsightFactRow
    from callqa.skills.profiles import build_profiles
    from callqa.skills.sums import cell_sums
    from skills_reference import python_profiles, python_sums

    engine = create_db_engine(url)
    factory = session_factory(engine)
    with factory() as session:
        facts = int(session.scalar(select(func.count()).select_from(InsightFactRow)) or 0)
        sums_sql_s, _ = _best(lambda: cell_sums(session), repeat)
        note(f"  sums in SQL: {sums_sql_s:.2f} s")
        sums_python_s, _ = _best(lambda: python_sums(session), repeat)
        note(f"  sums in Python: {sums_python_s:.2f} s")
        sql_s, sql = _best(lambda: build_profiles(session), repeat)
        note(f"  profiles, SQL path: {sql_s:.2f} s")
        python_s, python = _best(lambda: python_profiles(session), repeat)
        note(f"  profiles, Python path: {python_s:.2f} s")
    engine.dispose()
    same = [(c.agent, c.kind, c.reason, c.language, c.channel, c.level) for c in sql.cells] == [
        (c.agent, c.kind, c.reason, c.language, c.channel, c.level) for c in python.cells
    ] and all(
        math.isclose(a.composite, b.composite, rel_tol=1e-9, abs_tol=1e-9)
        for a, b in zip(sql.cells, python.cells, strict=True)
    )
    return {
        "facts": facts,
        "cells": len(sql.cells),
        "full_cells": len(sql.of_kind("full")),
        "sums_sql_s": sums_sql_s,
        "sums_python_s": sums_python_s,
        "sql_s": sql_s,
        "python_s": python_s,
        "agree": same,
    }


def demo_database(folder: Path) -> str:
    """``callqa demo`` into a SQLite file under ``folder``: the demo loaded, scored and refreshed."""
    url = f"sqlite:///{folder / 'demo.db'}"
    env = os.environ | {
        "CALLQA_DATABASE_URL": url,
        "CALLQA_DATA_DIR": str(folder / "data"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    callqa = Path(sys.executable).with_name("callqa")
    subprocess.run(
        [str(callqa), "demo", "--no-progress"], check=True, env=env, cwd=folder, capture_output=True
    )
    return url


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A new, empty database on the server of ``url`` for the run; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE}"))
        connection.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    try:
        yield make_url(url).set(database=PG_DATABASE).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
        server.dispose()


def print_table(results: dict[str, Any]) -> None:
    print(
        "| data | facts | cells (full) | sums: SQL ms | sums: Python ms | Python ÷ SQL "
        "| profiles: SQL ms | profiles: Python ms | Python ÷ SQL | agree |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        if name.startswith("generate"):
            continue
        print(
            f"| {name} | {r['facts']:,} | {r['cells']:,} ({r['full_cells']:,}) "
            f"| {1000 * r['sums_sql_s']:,.1f} | {1000 * r['sums_python_s']:,.1f} "
            f"| {r['sums_python_s'] / r['sums_sql_s']:.2f}× "
            f"| {1000 * r['sql_s']:,.1f} | {1000 * r['python_s']:,.1f} | {r['python_s'] / r['sql_s']:.2f}× "
            f"| {'yes' if r['agree'] else 'NO'} |"
        )
    print(f"(generating and writing the synthetic facts took {results['generate_s']:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="skip the demo data")
    parser.add_argument("--postgres", help="also on PostgreSQL: a server URL (a database is made there)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = f"sqlite:///{Path(tmp) / 'facts.db'}"
        urls = {"synthetic": url}
        if args.postgres:
            urls["synthetic, PostgreSQL"] = stack.enter_context(postgres_database(args.postgres))
        began = time.perf_counter()
        note(f"generating {args.count:,} facts into {', '.join(urls)}")
        generate(list(urls.values()), args.count, args.agents, args.seed)
        results["generate_s"] = time.perf_counter() - began
        for name, where in urls.items():
            note(f"measuring: {name}")
            results[name] = measure(where, args.repeat)
        if not args.no_demo:
            note("loading the demo (callqa demo) and measuring on it")
            results["demo"] = measure(demo_database(Path(tmp)), args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)


if __name__ == "__main__":
    main()
