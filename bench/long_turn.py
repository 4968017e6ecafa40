"""One over-long turn against a normal one: analysing and scoring an e-mail whose customer turn is 1 MB of
real call text (Harper Valley utterances joined), with callqa's limits (turn cut at 8,000 characters, the
embedder reading 2,000) and without them, against the same e-mail at a normal length (the baseline).

    .venv/bin/python bench/long_turn.py [--data ../shared/data/harper_valley]

Each case runs warm (models loaded, one warm-up interaction) and takes the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from callqa.analysis.defaults import build_pipeline
from callqa.core.document import Interaction
from callqa.ml import embeddings
from callqa.scoring.engine import evaluate
from callqa.scoring.loader import load_scorecard


def real_text(folder: Path, chars: int) -> str:
    """Harper Valley utterances (human transcripts) joined as sentences until ``chars`` long."""
    parts: list[str] = []
    size = 0
    for line in (folder / "calls_dev.jsonl").read_text(encoding="utf-8").splitlines():
        for u in json.loads(line)["utterances"]:
            text = u["human_transcript"].strip()
            if text:
                parts.append(text + ".")
                size += len(text) + 2
                if size >= chars:
                    return " ".join(parts)[:chars]
    return (" ".join(parts) * (chars // max(size, 1) + 1))[:chars]


def document(text: str, limited: bool) -> Interaction:
    raw = {
        "external_id": "long",
        "channel": "email",
        "language": "en",
        "turns": [
            {"role": "customer", "text": text},
            {"role": "agent", "text": "Thank you for writing. The charge is refunded within 3 days."},
        ],
    }
    if limited:
        return Interaction.model_validate(raw)
    # as before the limits: the whole text kept (no validation, so no cut)
    doc = Interaction.model_validate({**raw, "turns": [{"role": "customer", "text": "x"}, raw["turns"][1]]})
    doc.turns[0] = doc.turns[0].model_copy(update={"text": text})
    return doc


def timed(doc: Interaction, repeat: int) -> float:
    pipeline, card = build_pipeline(), load_scorecard("standard")
    runs = []
    for _ in range(repeat):
        embeddings.get_embedder().clear()  # every run embeds afresh, as a new interaction would
        start = time.perf_counter()
        evaluate(pipeline.run(doc), card)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/harper_valley"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    normal, huge = real_text(args.data, 600), real_text(args.data, 1_000_000)
    timed(document(normal, True), 1)  # warm-up: models and classifiers loaded
    baseline = timed(document(normal, True), args.repeat)
    limited = timed(document(huge, True), args.repeat)
    cap = embeddings.MAX_EMBED_CHARS
    embeddings.MAX_EMBED_CHARS = 10**9
    embeddings.canonical.cache_clear()
    # without the limits only 20,000 characters: a whole 1 MB turn runs for over ten minutes
    unlimited = timed(document(huge[:20_000], False), 1)
    embeddings.MAX_EMBED_CHARS = cap
    print("| case | seconds | ÷ baseline |")
    print("|---|---:|---:|")
    for name, value in (
        ("normal e-mail, 600 characters (baseline)", baseline),
        ("1 MB customer turn, with the limits", limited),
        ("20,000-character turn, without the limits (one run)", unlimited),
    ):
        print(f"| {name} | {value:.2f} | {value / baseline:.1f}× |")


if __name__ == "__main__":
    main()
