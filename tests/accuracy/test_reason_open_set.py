"""Open-set contact reasons on constructed vectors with known answers."""

from __future__ import annotations

import numpy as np

from callqa.accuracy.reasons import OPEN_SHARE, open_set
from callqa.analysis.reasons import MIN_CONFIDENCE

CLASSES = [f"reason_{k}" for k in range(8)]
DIM = 16


def _embedder(unknown_leans_on: int | None) -> object:
    """Each text 'reason_k #i' → close to axis k; with ``unknown_leans_on``, the texts of unnamed reasons
    sit at cosine 0.9 to that axis (so the floor cannot tell them apart)."""

    def embed(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            label, number = text.split(" #")
            axis = CLASSES.index(label)
            out[row, axis] = 1.0
            out[row, 8 + int(number) % 8] = 0.05  # a little spread between examples
            if unknown_leans_on is not None and axis >= 6:
                out[row] = 0.0
                out[row, unknown_leans_on] = 0.9
                out[row, axis] = np.sqrt(1 - 0.9**2)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return embed


def _data() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    train = [(f"{c} #{i}", c) for c in CLASSES for i in range(10)]
    dev = [(f"{c} #{i}", c) for c in CLASSES for i in range(10, 15)]
    return train, dev


def _named() -> set[str]:
    import hashlib

    order = sorted(CLASSES, key=lambda c: hashlib.sha1(c.encode()).hexdigest())
    return set(order[: round(len(CLASSES) * OPEN_SHARE)])


def test_unnamed_reasons_far_from_every_named_one_are_all_rejected() -> None:
    train, dev = _data()
    result = open_set(train, dev, _embedder(None))  # type: ignore[arg-type]
    assert result["open_accuracy"] == 1.0
    assert result["known_accuracy"] == 1.0
    assert result["known_coverage"] == 1.0
    assert result["unknown_rejected"] == 1.0
    assert result["floor_only"] == 1.0


def test_unnamed_reasons_close_to_a_named_one_are_taken_for_it() -> None:
    named = _named()
    lean = next(k for k, c in enumerate(CLASSES) if c in named and k < 6)
    unnamed_near = [c for k, c in enumerate(CLASSES) if k >= 6 and c not in named]
    train, dev = _data()
    result = open_set(train, dev, _embedder(lean))  # type: ignore[arg-type]
    assert result["known_accuracy"] == 1.0
    unknown = [c for c in CLASSES if c not in named]
    # unnamed reasons at cosine 0.9 pass the 0.80 floor; the others (orthogonal) are rejected
    assert result["unknown_rejected"] == round(1 - len(unnamed_near) / len(unknown), 3)
    assert unnamed_near  # the hash order leaves one of reasons 6-7 unnamed
    # 40 asked: 30 named, right; 5 orthogonal unnamed, rejected; 5 leaning unnamed, taken for the named one
    assert result["open_accuracy"] == 0.875
    assert result["floor_only"] == 0.875
    # the regression is less sure of the off-axis texts than of the named ones: a stricter minimum probability
    # than the shipped one would separate them
    assert result["best_min_confidence"] > MIN_CONFIDENCE
    assert result["open_accuracy_at_best"] == 1.0
