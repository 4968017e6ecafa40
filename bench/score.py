"""Scoring throughput on generated calls, with and without semantic criteria, against the embedding limit.

    .venv/bin/python bench/score.py [--count 10000]

Each case runs in a fresh process on a copy of the same SQLite database (10k interactions of ~30 turns):
  * ``no-semantic``: the standard scorecard with its semantic detectors removed (sentiment still embeds
    non-English turns);
  * ``semantic``: the standard scorecard as shipped (embeddings cached by text);
  * ``embed-limit``: the time a bare embedder takes to embed, once, every unique text the semantic run had
    to embed. ``count / that time`` is the embedding-bound limit; the goal is semantic ≥ 0.8 × limit;
  * ``warm-cache``: the semantic run again with every text already in the embedding cache (embedded before
    the clock starts): what scoring costs besides embedding.
Every case stores its evaluations (the full path of ``callqa score``). Peak memory is VmHWM per process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_mb, run_worker  # noqa: E402


def prepare(db: Path, count: int) -> str:
    from callqa.core.document import Interaction
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.interactions.service import StoreItem, store_interactions
    from score_data import generate

    engine = create_db_engine(f"sqlite:///{db}")
    ensure_schema(engine)
    factory = session_factory(engine)
    from callqa.ml.embeddings import canonical

    docs = generate(count)
    texts = [t["text"] for d in docs for t in d["turns"]]
    distinct = set(texts)
    stats = (
        f"{len(texts)} turns, {len(distinct)} distinct texts, "
        f"{len({canonical(t) for t in distinct})} distinct after the embedding cache's canonical form"
    )
    for start in range(0, len(docs), 500):
        with factory.begin() as session:
            items = [StoreItem(Interaction.model_validate(d)) for d in docs[start : start + 500]]
            store_interactions(session, items)
    engine.dispose()
    return stats


def _without_semantic(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_semantic(v) for k, v in node.items()}
    if isinstance(node, list):
        return [
            _without_semantic(v) for v in node if not (isinstance(v, dict) and v.get("type") == "semantic")
        ]
    return node


class Recording:
    """Passes texts to the real embedder and remembers each one it had to embed."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def embed(self, texts: Any) -> Any:
        self.texts.extend(texts)
        return self.inner.embed(texts)


def run_scoring(mode: str, db: Path, texts_file: Path) -> dict[str, Any]:
    import yaml

    from callqa.analysis.defaults import build_pipeline
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.ml import embeddings
    from callqa.scoring.loader import load_scorecard, parse_scorecard
    from callqa.scoring.service import score_stored

    recorder = Recording(embeddings.E5Embedder())
    embeddings._shared = embeddings.CachedEmbedder(recorder)
    if mode == "warm-cache":
        embeddings._shared.embed(json.loads(texts_file.read_text(encoding="utf-8")))
        recorder.texts.clear()
    card = load_scorecard("standard")
    if mode == "no-semantic":
        card = parse_scorecard(
            yaml.safe_dump(_without_semantic(yaml.safe_load(card.source_text)), allow_unicode=True), "x"
        )
    engine = create_db_engine(f"sqlite:///{db}")
    factory = session_factory(engine)
    pipeline = build_pipeline()
    started = time.perf_counter()
    report = score_stored(factory, card, pipeline=pipeline, batch_size=100)
    elapsed = time.perf_counter() - started
    engine.dispose()
    if mode != "warm-cache":
        texts_file.write_text(json.dumps(recorder.texts, ensure_ascii=False), encoding="utf-8")
    return {
        "mode": mode,
        "scored": report.scored,
        "failed": len(report.failures),
        "seconds": elapsed,
        "rate": report.scored / elapsed,
        "embedded": len(recorder.texts),
        "cache_hits": embeddings._shared.hits,
        "peak_mb": peak_mb(),
    }


def run_limit(texts_file: Path, count: int) -> dict[str, Any]:
    from callqa.ml.embeddings import E5Embedder

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    embedder = E5Embedder()
    embedder.embed(["warm up"])
    started = time.perf_counter()
    embedder.embed(texts)
    elapsed = time.perf_counter() - started
    return {
        "mode": "embed-limit",
        "texts": len(texts),
        "seconds": elapsed,
        "rate": count / elapsed,
        "texts_per_s": len(texts) / elapsed,
        "peak_mb": peak_mb(),
    }


def worker(argv: list[str]) -> None:
    mode, db, texts, count = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    result = run_limit(texts, count) if mode == "embed-limit" else run_scoring(mode, db, texts)
    sys.stdout.write(json.dumps(result) + "\n")


def child(mode: str, db: Path, texts: Path, count: int) -> dict[str, Any]:
    return run_worker(__file__, mode, str(db), str(texts), str(count))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    with tempfile.TemporaryDirectory(prefix="callqa-bench-") as tmp:
        base = Path(tmp) / "base.db"
        started = time.perf_counter()
        stats = prepare(base, args.count)
        print(f"prepared {args.count} interactions in {time.perf_counter() - started:.0f} s: {stats}")
        results = []
        for mode in ("no-semantic", "semantic"):
            db = Path(tmp) / f"{mode}.db"
            shutil.copyfile(base, db)
            results.append(child(mode, db, Path(tmp) / f"{mode}.json", args.count))
            print(json.dumps(results[-1]))
        results.append(child("embed-limit", base, Path(tmp) / "semantic.json", args.count))
        print(json.dumps(results[-1]))
        shutil.copyfile(base, Path(tmp) / "warm.db")
        results.append(child("warm-cache", Path(tmp) / "warm.db", Path(tmp) / "semantic.json", args.count))
        print(json.dumps(results[-1]))
    by_mode = {r["mode"]: r for r in results}
    limit = by_mode["embed-limit"]["rate"]
    print("\n| case | interactions/s | seconds | texts embedded | peak MB | vs embedding limit |")
    print("|---|---:|---:|---:|---:|---:|")
    for mode in ("no-semantic", "semantic"):
        r = by_mode[mode]
        print(
            f"| {mode} | {r['rate']:.1f} | {r['seconds']:.0f} | {r['embedded']} | "
            f"{r['peak_mb']:.0f} | {r['rate'] / limit:.2f} |"
        )
    r = by_mode["embed-limit"]
    print(
        f"| embed-limit (unique texts once) | {limit:.1f} | {r['seconds']:.0f} | {r['texts']} | "
        f"{r['peak_mb']:.0f} | 1.00 |"
    )
    r = by_mode["warm-cache"]
    print(
        f"| warm-cache (no embedding) | {r['rate']:.1f} | {r['seconds']:.0f} | {r['embedded']} | "
        f"{r['peak_mb']:.0f} | {r['rate'] / limit:.2f} |"
    )


if __name__ == "__main__":
    main()
