"""Hand-written training sentences → small numpy logistic-regression heads over sentence embeddings.

The sentences in ``data/*.tsv`` were written for callqa (contact-centre utterances in en, zh-Hans,
zh-Hant, lt and fa), so the weights derived from them can ship under the project's licence.
``scripts/train_sentiment.py`` stores the fitted heads in ``data/heads.npz`` with a fingerprint of the
sentences; if the file is missing or stale the model is refitted in memory at first use.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

LANGUAGE_COLUMNS = ("en", "zh-Hans", "zh-Hant", "lt", "fa")
# Class order matters: the score of a head is read from its first and last class.
TASKS: dict[str, tuple[str, ...]] = {
    "sentiment": ("neg", "neu", "pos"),
    "politeness": ("rude", "neutral", "polite"),
    "complaint": ("other", "complaint"),
}
_TRAINING_VERSION = "lr-l2-30"
DATA_DIR = "data"
WEIGHTS_FILE = "heads.npz"


@dataclass(frozen=True)
class Example:
    task: str
    label: str
    language: str
    text: str


@dataclass(frozen=True)
class Head:
    """Standardise, then a multinomial logistic regression; ``classes`` name the output columns."""

    classes: tuple[str, ...]
    mean: Matrix
    scale: Matrix
    weights: Matrix
    bias: Matrix

    def proba(self, vectors: Matrix) -> Matrix:
        """Class probabilities, one row per vector."""
        logits = ((vectors - self.mean) / self.scale) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: Matrix = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
        return result


def data_path(name: str) -> Path:
    """A file in the package's ``sentiment/data`` folder."""
    return Path(str(resources.files("callqa.sentiment").joinpath(DATA_DIR, name)))


def load_examples() -> list[Example]:
    """Every (task, label, language, text) from the bundled TSV files."""
    examples: list[Example] = []
    for task, classes in TASKS.items():
        path = data_path(f"{task}.tsv")
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 2):
                label = row["label"]
                if label not in classes:
                    raise ValueError(f"{path}:{line}: label {label!r} is not one of {classes}")
                examples.extend(
                    Example(task, label, lang, row[lang].strip())
                    for lang in LANGUAGE_COLUMNS
                    if row.get(lang)
                )
    return examples


def fingerprint(embedder_name: str) -> str:
    """Hash of the training sentences, the embedder and the fitting recipe: stale weights are detected."""
    digest = hashlib.sha256(f"{embedder_name}|{_TRAINING_VERSION}".encode())
    for task in TASKS:
        digest.update(data_path(f"{task}.tsv").read_bytes())
    return digest.hexdigest()[:32]


def fit_head(
    vectors: Matrix, labels: Sequence[int], n_classes: int, l2: float = 30.0, steps: int = 400
) -> tuple[Matrix, Matrix, Matrix, Matrix]:
    """Class-balanced softmax regression with an L2 penalty, full-batch gradient descent (deterministic)."""
    x = vectors.astype(np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    x = (x - mean) / scale
    y = np.eye(n_classes)[np.asarray(labels)]
    counts = y.sum(axis=0)
    # Each class weighs the same in the loss, whatever its number of sentences.
    sample_weight = (y / np.maximum(counts, 1)).sum(axis=1) * len(y) / n_classes
    w = np.zeros((x.shape[1], n_classes))
    b = np.zeros(n_classes)
    # Keep the step inside the stable range of the penalised problem (a large l2 would diverge).
    rate = 0.5 / (1.0 + l2 / len(y))
    for _ in range(steps):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        err = (p - y) * sample_weight[:, None] / len(y)
        w -= rate * (x.T @ err + l2 * w / len(y))
        b -= rate * err.sum(axis=0)
    return mean.astype(np.float32), scale.astype(np.float32), w.astype(np.float32), b.astype(np.float32)


def train_heads(embed: Callable[[list[str]], Matrix], l2: float = 30.0) -> dict[str, Head]:
    """Fit one head per task on the bundled sentences, embedding them all in one call."""
    examples = load_examples()
    vectors = embed([e.text for e in examples])
    heads: dict[str, Head] = {}
    for task, classes in TASKS.items():
        rows = [i for i, e in enumerate(examples) if e.task == task]
        labels = [classes.index(examples[i].label) for i in rows]
        mean, scale, w, b = fit_head(vectors[rows], labels, len(classes), l2=l2)
        heads[task] = Head(classes, mean, scale, w, b)
    return heads


def save_heads(heads: dict[str, Head], path: Path, print_: str) -> None:
    """Write the heads and the fingerprint they were fitted for to one ``.npz`` file."""
    arrays: dict[str, npt.NDArray[np.generic]] = {"fingerprint": np.array(print_)}
    for task, head in heads.items():
        arrays[f"{task}.classes"] = np.array(head.classes)
        arrays[f"{task}.mean"] = head.mean
        arrays[f"{task}.scale"] = head.scale
        arrays[f"{task}.weights"] = head.weights
        arrays[f"{task}.bias"] = head.bias
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]


def load_heads(path: Path, expected_print: str) -> dict[str, Head] | None:
    """The stored heads, or None when the file is missing or was fitted on other sentences."""
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["fingerprint"]) != expected_print:
            return None
        return {
            task: Head(
                tuple(str(c) for c in data[f"{task}.classes"]),
                data[f"{task}.mean"],
                data[f"{task}.scale"],
                data[f"{task}.weights"],
                data[f"{task}.bias"],
            )
            for task in TASKS
        }
