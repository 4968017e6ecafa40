"""Scoring throughput on real transcripts against the embedding limit, with generated calls in the same run.

    .venv/bin/python bench/score_real.py [--data ../shared/data] [--limit 400] [--generated 1000]

The real set, stored through the real store path (``store_interactions``: redaction, hashing):
  * JDDC dev dialogues (Chinese e-commerce customer-service chats, customer and agent turns);
  * USS English dev dialogues (SGD, MultiWOZ, ReDial, CCPE: people with task assistants), a seeded
    sample of ``--limit`` (``callqa.accuracy.datasets.sample``, seed 13);
  * the Harper Valley Bank dev calls (spoken bank calls, human transcripts; ``callqa.accuracy.criteria``);
  * the real call (``../shared/data/audio``, two WAVs) as ``callqa ingest`` transcribes it (Whisper
    ``--asr-model``; the transcript is kept in ``--cache`` so later runs skip the recognition).
At most ``--limit`` dialogues per set. Each case runs in a fresh process on its own copy of the database:
  * ``real``: ``score_stored`` with the standard scorecard and the default pipeline, evaluations stored;
  * ``real-limit``: a bare embedder embedding every distinct turn text of the real set once (in the
    embedding cache's canonical form): ``interactions / that time`` is what embedding each text once allows;
  * ``generated`` and ``generated-limit``: the same on ``--generated`` calls of ``bench/score_data.py``.
Reported: interactions/s, turns/s, distinct texts, texts embedded per interaction, the ratio to the limit,
and peak memory (VmHWM per process). ``--sentiment-roles customer`` scores with the sentiment analyzer's
``roles`` option (agent turns not scored for sentiment).
"""

from __future__ import annotations

import argparse
import hashlib
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

CALL = "Auto_Repairs_40_UTC"


def _chat(source: str, key: str, language: str, turns: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "external_id": f"{source}-{key}",
        "source": source,
        "channel": "chat",
        "language": language,
        "turns": [{"role": role, "text": text} for role, text in turns if text.strip()],
    }


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def jddc(data: Path, limit: int) -> list[dict[str, Any]]:
    """JDDC dev dialogues with both parties (the accuracy loader keeps only the customer's turns)."""
    from callqa.accuracy.datasets import sample

    rows = _jsonl(data / "uss_user_satisfaction" / "jddc_usda_split" / "jddc_valid_dialogues.jsonl")
    docs = []
    for row in sample(rows, lambda r: str(r["dialogue_id"]), limit):
        turns = [
            (role, t[key]) for t in row["turns"] for role, key in (("customer", "user"), ("agent", "system"))
        ]
        docs.append(_chat("jddc", row["dialogue_id"], "zh-Hans", turns))
    return docs


def uss_english(data: Path, limit: int) -> list[dict[str, Any]]:
    from callqa.accuracy.datasets import sample

    rows = _jsonl(data / "uss_user_satisfaction" / "english" / "uss_english_dev.jsonl")
    docs = []
    for row in sample(rows, lambda r: str(r["dialogue_id"]), limit):
        turns = [("customer" if t["role"] == "USER" else "agent", t["text"]) for t in row["turns"]]
        docs.append(_chat("uss", row["dialogue_id"], "en", turns))
    return docs


def harper_valley(data: Path, limit: int) -> list[dict[str, Any]]:
    from callqa.accuracy.criteria import call_document, load_calls

    calls = load_calls(data / "harper_valley") or []
    return [call_document(call).model_dump(mode="json") for call in calls[:limit]]


def asr_call(data: Path, cache: Path, model: str) -> dict[str, Any]:
    """The real call as ``callqa ingest`` transcribes it (cached by the audio's digest and the model)."""
    agent, caller = data / "audio" / f"{CALL}_agent.wav", data / "audio" / f"{CALL}_caller.wav"
    digest = hashlib.sha256(agent.read_bytes() + caller.read_bytes() + model.encode()).hexdigest()[:16]
    cached = cache / f"asr-{CALL}-{digest}.json"
    if cached.is_file():
        return dict(json.loads(cached.read_text(encoding="utf-8")))
    import numpy as np

    from callqa.audio.decode import Audio, load_audio, write_audio
    from callqa.core.config import AudioConfig, IngestConfig
    from callqa.core.settings import Settings
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.ingest.formats.registry import default_registry
    from callqa.ingest.runner import ingest_paths
    from callqa.interactions.service import load_document

    with tempfile.TemporaryDirectory(prefix="callqa-asr-") as tmp:
        a, c = load_audio(agent), load_audio(caller)
        stereo = Path(tmp) / "call.flac"
        write_audio(stereo, Audio(np.vstack([a.samples, c.samples]), 16_000, 8000), sample_rate=8000)
        engine = create_db_engine(f"sqlite:///{Path(tmp) / 'asr.db'}")
        ensure_schema(engine)
        factory = session_factory(engine)
        config = IngestConfig(audio=AudioConfig(model=model, language="en"))
        report = ingest_paths(
            [stereo], factory=factory, registry=default_registry(Settings(data_dir=Path(tmp))), config=config
        )
        if not report.ok:
            raise SystemExit(f"ingesting the real call failed: {[str(f) for f in report.failures]}")
        with factory() as session:
            doc = load_document(session, 1)
        engine.dispose()
    turns = [
        {"role": t.role.value, "text": t.text, "start_ms": t.start_ms, "end_ms": t.end_ms} for t in doc.turns
    ]
    out = {
        "external_id": f"asr-{CALL}",
        "source": "asr",
        "channel": "voice",
        "language": "en",
        "duration_ms": doc.duration_ms,
        "turns": turns,
    }
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def store(db: Path, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Store ``docs`` through the real store path; their turn and distinct-text counts."""
    from callqa.core.document import Interaction
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.interactions.models import TurnRow
    from callqa.interactions.service import StoreItem, store_interactions
    from callqa.ml.embeddings import canonical

    engine = create_db_engine(f"sqlite:///{db}")
    ensure_schema(engine)
    factory = session_factory(engine)
    for start in range(0, len(docs), 500):
        with factory.begin() as session:
            store_interactions(
                session, [StoreItem(Interaction.model_validate(d)) for d in docs[start : start + 500]]
            )
    with factory() as session:
        from sqlalchemy import select

        texts = [t for (t,) in session.execute(select(TurnRow.text)) if t.strip()]
    engine.dispose()
    distinct = sorted({canonical(t) for t in texts})
    return {
        "interactions": len(docs),
        "turns": len(texts),
        "distinct": len(set(texts)),
        "canonical": distinct,
    }


class Recording:
    """Passes texts to the real embedder and counts each one it had to embed."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts = 0
        self.chars = 0

    def embed(self, texts: Any) -> Any:
        self.texts += len(texts)
        self.chars += sum(len(t) for t in texts)
        return self.inner.embed(texts)


def run_scoring(db: Path, roles: str) -> dict[str, Any]:
    from callqa.analysis.defaults import build_pipeline
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.ml import embeddings
    from callqa.scoring.loader import load_scorecard
    from callqa.scoring.service import score_stored

    recorder = Recording(embeddings.E5Embedder())
    embeddings._shared = embeddings.CachedEmbedder(recorder)
    card = load_scorecard("standard")
    engine = create_db_engine(f"sqlite:///{db}")
    factory = session_factory(engine)
    options = {"callqa.sentiment.v1": {"roles": roles.split(",")}} if roles else None
    pipeline = build_pipeline(options=options)
    recorder.inner.embed(["warm up"])  # the model loads before the clock starts
    started = time.perf_counter()
    report = score_stored(factory, card, pipeline=pipeline, batch_size=50)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {
        "scored": report.scored,
        "failed": len(report.failures),
        "seconds": elapsed,
        "rate": report.scored / elapsed,
        "embedded": recorder.texts,
        "embedded_chars": recorder.chars,
        "peak_mb": peak_mb(),
    }


def run_limit(texts_file: Path) -> dict[str, Any]:
    from callqa.ml.embeddings import E5Embedder

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    embedder = E5Embedder()
    embedder.embed(["warm up"])
    started = time.perf_counter()
    embedder.embed(texts)
    return {"seconds": time.perf_counter() - started, "texts": len(texts), "peak_mb": peak_mb()}


def worker(argv: list[str]) -> None:
    mode, path, roles = argv[0], Path(argv[1]), argv[2]
    result = run_limit(path) if mode == "limit" else run_scoring(path, roles)
    sys.stdout.write(json.dumps(result) + "\n")


def measure(tmp: Path, name: str, docs: list[dict[str, Any]], roles: str) -> dict[str, Any]:
    base = tmp / f"{name}.db"
    stats = store(base, docs)
    texts = tmp / f"{name}.json"
    texts.write_text(json.dumps(stats.pop("canonical"), ensure_ascii=False), encoding="utf-8")
    stats["canonical"] = len(json.loads(texts.read_text(encoding="utf-8")))
    db = tmp / f"{name}-score.db"
    shutil.copyfile(base, db)
    scored = run_worker(__file__, "score", str(db), roles)
    limit = run_worker(__file__, "limit", str(texts), "")
    result = {
        "set": name,
        **stats,
        **scored,
        "limit_seconds": limit["seconds"],
        "limit_peak_mb": limit["peak_mb"],
    }
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=400, help="at most this many dialogues per real set")
    parser.add_argument("--generated", type=int, default=1000, help="generated calls (0: none)")
    parser.add_argument("--asr-model", default="tiny.en")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "callqa-bench-cache")
    parser.add_argument(
        "--sentiment-roles", default="", help="the sentiment analyzer's roles option, e.g. customer"
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    docs = (
        jddc(args.data, args.limit)
        + uss_english(args.data, args.limit)
        + harper_valley(args.data, args.limit)
        + [asr_call(args.data, args.cache, args.asr_model)]
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="callqa-bench-real-") as tmp:
        results.append(measure(Path(tmp), "real", docs, args.sentiment_roles))
        if args.generated:
            from score_data import generate

            results.append(measure(Path(tmp), "generated", generate(args.generated), args.sentiment_roles))
    print(
        "\n| set | interactions | turns | distinct texts (canonical) | interactions/s | turns/s | "
        "texts embedded per interaction | embed-limit interactions/s | ÷ limit | peak MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        limit = r["interactions"] / r["limit_seconds"]
        print(
            f"| {r['set']} | {r['scored']} | {r['turns']} | {r['distinct']} ({r['canonical']}) | "
            f"{r['rate']:.2f} | {r['turns'] / r['seconds']:.0f} | {r['embedded'] / r['scored']:.1f} | "
            f"{limit:.2f} | {r['rate'] / limit:.2f} | {r['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
