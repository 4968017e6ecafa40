"""Fit the sentiment / politeness / complaint heads on the bundled hand-written sentences and store them.

Usage: .venv/bin/python scripts/train_sentiment.py
Writes src/callqa/sentiment/data/heads.npz (plus a fingerprint of the sentences, so a stale file is detected).
Only the project's own sentences in src/callqa/sentiment/data/*.tsv are used — never the dev data sets.
"""

from __future__ import annotations

import time

import numpy as np

from callqa.ml.embeddings import get_embedder
from callqa.sentiment.training import (
    TASKS,
    WEIGHTS_FILE,
    data_path,
    fingerprint,
    load_examples,
    save_heads,
    train_heads,
)


def main() -> None:
    embedder = get_embedder()
    started = time.perf_counter()
    heads = train_heads(lambda texts: embedder.embed(texts))
    path = data_path(WEIGHTS_FILE)
    save_heads(heads, path, fingerprint(embedder.name))
    examples = load_examples()
    vectors = embedder.embed([e.text for e in examples])
    for task, classes in TASKS.items():
        rows = [i for i, e in enumerate(examples) if e.task == task]
        predicted = heads[task].proba(vectors[rows]).argmax(axis=1)
        truth = np.array([classes.index(examples[i].label) for i in rows])
        print(f"{task}: {len(rows)} sentences, training accuracy {float((predicted == truth).mean()):.3f}")
    print(f"wrote {path} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
