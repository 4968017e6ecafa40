"""Long texts embedded whole against in pieces (``callqa.ml.embeddings.pieces``): time and what changes.

    .venv/bin/python bench/long_pieces.py [--data ../shared/data] [--count 60]

Long agent monologues made from real transcripts: the agent's side of a dialogue joined in order (JDDC
Chinese chats, USS English task assistants, Harper Valley bank calls, the real call's ASR when it is in
``bench/score_real.py``'s cache), in the embedding cache's canonical form (at most 2,000 characters), every
one longer than ``PIECE_CHARS``. Each is embedded whole (one model pass, as before pieces) and in pieces,
by one single-threaded model instance; reported: seconds for each, the cosine between the two vectors, and
the sentiment head's score on each (P(pos) − P(neg) × 1.3, clipped, the embedding part of every sentiment
score): mean absolute difference and how often the three-way class (band 0.2) agrees.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def monologues(data: Path, count: int) -> list[tuple[str, str]]:
    """(set, text) pairs: the agent's turns of each dialogue joined, canonical, longer than PIECE_CHARS."""
    import score_real
    from callqa.accuracy.datasets import sample
    from callqa.ml.embeddings import PIECE_CHARS, canonical

    sets = {
        "jddc": score_real.jddc(data, 330),
        "uss": score_real.uss_english(data, 1355),
        "hvb": score_real.harper_valley(data, 40),
    }
    cache = Path(tempfile.gettempdir()) / "callqa-bench-cache"
    asr = sorted(cache.glob("asr-*.json"))
    if asr:
        sets["asr"] = [json.loads(asr[0].read_text(encoding="utf-8"))]
    out: list[tuple[str, str]] = []
    for name, docs in sets.items():
        joined = " ".join if name != "jddc" else "".join
        texts = [canonical(joined(t["text"] for t in d["turns"] if t["role"] == "agent")) for d in docs]
        long = [t for t in texts if len(t) > PIECE_CHARS]
        out += [(name, t) for t in sample(long, lambda t: t, max(1, count // len(sets)))]
    return out


def sentiment(vectors: Any) -> list[float]:
    from callqa.sentiment.model import EMB_GAIN, get_sentiment_model

    proba = get_sentiment_model().heads()["sentiment"].proba(vectors)
    return [max(-1.0, min(1.0, EMB_GAIN * float(p[-1] - p[0]))) for p in proba]


def three_way(score: float, band: float = 0.2) -> int:
    return 0 if abs(score) <= band else 1 if score > 0 else -1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--count", type=int, default=60)
    args = parser.parse_args()
    from callqa.ml.embeddings import E5Embedder, pieces

    texts = monologues(args.data, args.count)
    one_pass, in_pieces = E5Embedder(threads=1, piece_chars=None), E5Embedder(threads=1)
    one_pass.embed(["warm up"])
    in_pieces.embed(["warm up"])
    started = time.perf_counter()
    whole = one_pass.embed([t for _, t in texts])  # as before pieces
    whole_s = time.perf_counter() - started
    started = time.perf_counter()
    split = in_pieces.embed([t for _, t in texts])
    split_s = time.perf_counter() - started
    cosines = (whole * split).sum(axis=1)
    before, after = sentiment(whole), sentiment(split)
    print("| set | texts | chars | pieces | cosine whole↔pieces (min) | sentiment Δ mean | 3-way agrees |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in dict.fromkeys(n for n, _ in texts):
        rows = [i for i, (n, _) in enumerate(texts) if n == name]
        diffs = [abs(before[i] - after[i]) for i in rows]
        agree = sum(three_way(before[i]) == three_way(after[i]) for i in rows)
        print(
            f"| {name} | {len(rows)} | {statistics.mean(len(texts[i][1]) for i in rows):.0f} | "
            f"{statistics.mean(len(pieces(texts[i][1])) for i in rows):.1f} | "
            f"{float(np.mean(cosines[rows])):.3f} ({float(np.min(cosines[rows])):.3f}) | "
            f"{statistics.mean(diffs):.3f} | {agree}/{len(rows)} |"
        )
    print(f"\nwhole: {whole_s:.1f} s, in pieces: {split_s:.1f} s ({split_s / whole_s:.2f} of the time)")


if __name__ == "__main__":
    main()
