"""Classification and ranking metrics in plain numpy (no scikit-learn), with the usual edge cases defined.

Undefined quantities (no positive examples for a recall, a constant input to a correlation) are NaN, so a
report shows "n/a" rather than a misleading 0.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def _classes(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> list[Hashable]:
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} labels but {len(predicted)} predictions")
    return sorted(set(truth) | set(predicted), key=str)


def confusion(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], classes: Sequence[Hashable] | None = None
) -> tuple[list[Hashable], npt.NDArray[np.int64]]:
    """Classes and the confusion matrix (rows = truth, columns = prediction)."""
    labels = list(classes) if classes is not None else _classes(truth, predicted)
    index = {c: i for i, c in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t], index[p]] += 1
    return labels, matrix


def accuracy(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Share of exact matches."""
    _classes(truth, predicted)
    if not truth:
        return float("nan")
    return float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)]))


def _per_class(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], classes: Sequence[Hashable] | None
) -> tuple[Floats, Floats, Floats]:
    """Precision, recall, F1 per class; precision and F1 0 when undefined, recall NaN for absent classes."""
    _classes(truth, predicted)
    labels = list(classes) if classes is not None else sorted(set(truth), key=str)
    rows = []
    for c in labels:
        t = [x == c for x in truth]
        p = [x == c for x in predicted]
        tp = sum(a and b for a, b in zip(t, p, strict=True))
        precision = tp / sum(p) if sum(p) else 0.0
        recall = tp / sum(t) if sum(t) else float("nan")
        r = 0.0 if recall != recall else recall
        rows.append((precision, recall, 2 * precision * r / (precision + r) if precision + r else 0.0))
    table = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
    return table[:, 0], table[:, 1], table[:, 2]


def macro_f1(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], classes: Sequence[Hashable] | None = None
) -> float:
    """Unweighted mean of per-class F1 over ``classes`` (default: the classes present in the truth)."""
    if not truth:
        return float("nan")
    return float(np.mean(_per_class(truth, predicted, classes)[2]))


def uar(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], classes: Sequence[Hashable] | None = None
) -> float:
    """Unweighted average recall (macro recall) over the classes present in the truth."""
    if not truth:
        return float("nan")
    recall = _per_class(truth, predicted, classes)[1]
    return float(np.nanmean(recall)) if np.any(~np.isnan(recall)) else float("nan")


def f1_for(truth: Sequence[Hashable], predicted: Sequence[Hashable], positive: Hashable) -> float:
    """F1 of one class treated as positive."""
    t = [x == positive for x in truth]
    p = [x == positive for x in predicted]
    tp = sum(a and b for a, b in zip(t, p, strict=True))
    denominator = sum(t) + sum(p)
    return 2 * tp / denominator if denominator else float("nan")


def cohen_kappa(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Cohen's kappa (unweighted): agreement beyond what the two marginals give by chance."""
    if not truth:
        return float("nan")
    _, matrix = confusion(truth, predicted)
    n = matrix.sum()
    observed = np.trace(matrix) / n
    expected = float((matrix.sum(axis=0) * matrix.sum(axis=1)).sum()) / (n * n)
    return float((observed - expected) / (1 - expected)) if expected < 1 else float("nan")


def rankdata(values: Sequence[float]) -> Floats:
    """Ranks 1..n, ties get the mean of the ranks they span."""
    x = np.asarray(values, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=np.float64)
    sorted_x = x[order]
    start = 0
    for end in range(1, len(x) + 1):
        if end == len(x) or sorted_x[end] != sorted_x[start]:
            ranks[order[start:end]] = (start + end + 1) / 2.0
            start = end
    return ranks


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson correlation; NaN when either input is constant or shorter than 2."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} values but {len(y)} values to correlate with")
    if len(x) < 2:
        return float("nan")
    x = x - x.mean()
    y = y - y.mean()
    denominator = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / denominator) if denominator > 0 else float("nan")


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman rank correlation with average ranks for ties (Pearson on the ranks)."""
    return pearson(list(rankdata(a)), list(rankdata(b)))


def roc_auc(truth: Sequence[bool | int], scores: Sequence[float]) -> float:
    """Area under the ROC curve = P(score of a random positive > a random negative), ties count half."""
    y = np.asarray(truth, dtype=bool)
    if len(y) != len(scores):
        raise ValueError(f"{len(y)} labels but {len(scores)} scores")
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _contingency(truth: Sequence[Hashable], found: Sequence[Hashable]) -> npt.NDArray[np.float64]:
    rows = {v: i for i, v in enumerate(dict.fromkeys(truth))}
    cols = {v: i for i, v in enumerate(dict.fromkeys(found))}
    table = np.zeros((len(rows), len(cols)))
    for t, f in zip(truth, found, strict=True):
        table[rows[t], cols[f]] += 1
    return table


def _entropy(counts: npt.NDArray[np.float64]) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def nmi(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Normalised mutual information of two partitions (arithmetic-mean normalisation)."""
    table = _contingency(truth, found)
    n = table.sum()
    h_true, h_found = _entropy(table.sum(axis=1)), _entropy(table.sum(axis=0))
    if h_true == 0 and h_found == 0:
        return 1.0
    joint = table[table > 0] / n
    outer = np.outer(table.sum(axis=1), table.sum(axis=0))[table > 0] / n**2
    mutual = float((joint * np.log(joint / outer)).sum())
    return mutual / ((h_true + h_found) / 2) if h_true + h_found else 0.0


def adjusted_rand(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert and Arabie): 1 for identical partitions, about 0 for chance."""
    table = _contingency(truth, found)

    def pairs(x: npt.NDArray[np.float64]) -> float:
        return float((x * (x - 1) / 2).sum())

    n = table.sum()
    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    maximum = (rows + cols) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0
