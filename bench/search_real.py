"""Transcript search on real dialogues: JDDC (Chinese customer service) and USS English, in SQLite and
PostgreSQL.

    .venv/bin/python bench/search_real.py [--data /work/shared/data] [--copies 10] [--requests 50]
        [--database-url postgresql+psycopg://...]

The dialogues of both sets (``callqa.accuracy.datasets`` loaders; customer turns) are stored ``copies``
times each (new external ids, the same words) through the real store path, which redacts and indexes them.
Each query is timed as the library call the list page makes (``search_interactions``: count, newest 50,
snippets); the **baseline** is the same call without a search, in the same run. Every query's hits are
checked against a brute-force scan of the stored turns with the same word rules (recall and precision 1.0
expected), so the figures are for correct answers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import latencies_ms

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("退款", "发票 OR 快递", '"什么时候"', "restaurant", '"a train"', "hotel -cheap", "customer:book")


def _documents(data: Path, copies: int) -> list[Any]:
    from callqa.accuracy.datasets import load_jddc, load_uss_english
    from callqa.core.document import Channel, Interaction, Role, Turn

    docs = []
    for name, loader, folder, language in (
        ("jddc", load_jddc, data / "uss_user_satisfaction" / "jddc_usda_split", "zh-Hans"),
        ("uss", load_uss_english, data / "uss_user_satisfaction" / "english", "en"),
    ):
        for dialogue in loader(folder) or []:
            turns = [Turn(role=Role.CUSTOMER, text=t.text) for t in dialogue.turns if t.text.strip()]
            for copy in range(copies):
                docs.append(
                    Interaction(
                        external_id=f"{name}-{dialogue.key}-{copy}",
                        source="bench",
                        channel=Channel.CHAT,
                        language=language,
                        turns=turns,
                    )
                )
    return docs


def _timed(call: Any, n: int) -> tuple[float, float]:
    samples = latencies_ms(call, n)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _brute(session: Any, query: str) -> set[int]:
    """Interactions matching ``query`` by scanning every turn in Python with the index's word rules."""
    from sqlalchemy import select

    from callqa.core.search_text import words
    from callqa.interactions.fulltext import parse
    from callqa.interactions.models import TurnRow

    said: dict[int, list[tuple[str, list[str]]]] = {}
    for row in session.execute(select(TurnRow.interaction_id, TurnRow.role, TurnRow.text)):
        said.setdefault(row.interaction_id, []).append((row.role, [w.folded for w in words(row.text)]))

    def has(turns: list[tuple[str, list[str]]], phrase: tuple[str, ...], role: str | None) -> bool:
        size = len(phrase)
        return any(
            role in (None, r) and any(tuple(ws[i : i + size]) == phrase for i in range(len(ws) - size + 1))
            for r, ws in turns
        )

    clauses = parse(query)
    return {
        ident
        for ident, turns in said.items()
        if all(any(has(turns, t.words, t.role) for t in c.terms) != c.negated for c in clauses)
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", help="a PostgreSQL database to use (emptied first); default SQLite")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from sqlalchemy import func, select

    from callqa.core.query import InteractionQuery
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.interactions.models import InteractionRow, TurnRow
    from callqa.interactions.service import StoreItem, store_interactions
    from callqa.views.search import search_interactions
    from web import reset

    with tempfile.TemporaryDirectory(prefix="callqa-search-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'search.db'}"
        if args.database_url:
            reset(url)
        engine = create_db_engine(url)
        ensure_schema(engine)
        factory = session_factory(engine)
        docs = _documents(args.data, args.copies)
        started = time.perf_counter()
        for start in range(0, len(docs), 2000):
            with factory.begin() as session:
                store_interactions(session, [StoreItem(d) for d in docs[start : start + 2000]])
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
        with factory() as session:
            counts = (
                session.scalar(select(func.count(InteractionRow.id))),
                session.scalar(select(func.count(TurnRow.id))),
            )
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"{backend}: stored {counts[0]} interactions ({counts[1]} turns)"
            f" in {time.perf_counter() - started:.0f} s"
        )

        def listing(q: str | None) -> Any:
            def call() -> Any:
                with factory() as session:
                    return search_interactions(session, InteractionQuery(q=q), limit=50)

            return call

        rows = [("baseline: newest 50, no search", *_timed(listing(None), args.requests), "")]
        for q in QUERIES:
            p50, p95 = _timed(listing(q), args.requests)
            with factory() as session:
                page = search_interactions(session, InteractionQuery(q=q), limit=200)
                expected = _brute(session, q)
                found = {
                    hit.id for hit in search_interactions(session, InteractionQuery(q=q), limit=200).hits
                }
            exact = "yes" if page.total == len(expected) and found <= expected else "NO"
            rows.append((f"`{q}`", p50, p95, f"{page.total} ({exact})"))
        engine.dispose()
    print(f"\n{backend}, {counts[0]} interactions, {args.requests} calls per query\n")
    print("| query | p50 ms | p95 ms | hits (= brute-force scan) |")
    print("|---|---:|---:|---:|")
    for name, p50, p95, hits in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {hits} |")


if __name__ == "__main__":
    main()
