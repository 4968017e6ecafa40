"""Where scoring's embedding goes on real transcripts: texts, characters and model seconds per stage and role.

    .venv/bin/python bench/embed_profile.py [--data ../shared/data] [--limit 25] [--sentiment-roles customer]

The real set of ``bench/score_real.py`` (``--limit`` dialogues per set) analysed and scored with the standard
scorecard in this process, one interaction after another, through one cached embedder (one model instance,
so the seconds add up). Every text that reaches the model is charged to the stage that asked for it (the
innermost analyzer or detector module on the call stack); sentiment is also split by the role of the turn.
Examples (the scorecard's and the reason set's) are embedded before the clock starts and not counted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


class Charging:
    """The real model; each text that reaches it is charged to the asking stage."""

    def __init__(self, inner: Any, roles: dict[str, str]) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.roles = roles  # canonical turn text -> role, for the sentiment split
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
        self.counting = False

    def embed(self, texts: Sequence[str]) -> Any:
        started = time.perf_counter()
        vectors = self.inner.embed(texts)
        seconds = time.perf_counter() - started
        if self.counting:
            stage = _stage()
            for text in texts:
                key = (
                    f"{stage} ({self.roles.get(text, 'redacted text')})"
                    if stage == "analysis/sentiment"
                    else stage
                )
                total = self.totals[key]
                total[0] += 1
                total[1] += len(text)
                total[2] += seconds * len(text) / max(1, sum(len(t) for t in texts))
        return vectors


def _stage() -> str:
    for frame in reversed(traceback.extract_stack()):
        if (
            "/callqa/" in frame.filename
            and "/ml/" not in frame.filename
            and "/sentiment/" not in frame.filename
        ):
            return frame.filename.split("/callqa/")[1].removesuffix(".py")
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--sentiment-roles", default="")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "callqa-bench-cache")
    args = parser.parse_args()
    import score_real
    from callqa.analysis.defaults import build_pipeline
    from callqa.core.document import Interaction
    from callqa.ml import embeddings
    from callqa.scoring.detectors import Services
    from callqa.scoring.engine import evaluate
    from callqa.scoring.loader import load_scorecard

    docs = (
        score_real.jddc(args.data, args.limit)
        + score_real.uss_english(args.data, args.limit)
        + score_real.harper_valley(args.data, args.limit)
        + [score_real.asr_call(args.data, args.cache, "tiny.en")]
    )
    interactions = [Interaction.model_validate(d) for d in docs]
    roles = {embeddings.canonical(t.text): str(t.role) for i in interactions for t in i.turns}
    charging = Charging(embeddings.E5Embedder(threads=1), roles)
    embeddings._shared = embeddings.CachedEmbedder(charging)
    options = (
        {"callqa.sentiment.v1": {"roles": args.sentiment_roles.split(",")}} if args.sentiment_roles else None
    )
    pipeline, card, services = build_pipeline(options=options), load_scorecard("standard"), Services()
    evaluate(pipeline.run(interactions[0]), card, services)  # examples embedded, models loaded
    embeddings._shared.clear()
    charging.counting = True
    for interaction in interactions:
        evaluate(pipeline.run(interaction), card, services)
    n = len(interactions)
    texts = sum(t[0] for t in charging.totals.values())
    seconds = sum(t[2] for t in charging.totals.values())
    print(
        f"{n} interactions, {texts:.0f} texts embedded ({texts / n:.1f} per interaction), {seconds:.0f} s\n"
    )
    print("| stage (role) | texts per interaction | characters per interaction | share of model time |")
    print("|---|---:|---:|---:|")
    for stage, (count, chars, spent) in sorted(charging.totals.items(), key=lambda kv: -kv[1][2]):
        print(f"| {stage} | {count / n:.1f} | {chars / n:.0f} | {spent / seconds:.1%} |")


if __name__ == "__main__":
    main()
