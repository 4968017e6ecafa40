"""Statistics for insights and agreement, in numpy and the standard library (no SciPy by default).

Large-sample methods, as contact-centre data has hundreds to millions of rows: p-values from the normal
approximation (Fisher's z for correlations, the tie-corrected normal approximation for Mann–Whitney,
the pooled z-test for proportions). Each function says what it assumes; tests check them against published
worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Z95 = 1.959963984540054


def normal_two_sided_p(z: float) -> float:
    """P(|Z| ≥ |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class Correlation:
    r: float
    n: int
    low: float  # 95 % interval (Fisher's z)
    high: float
    p: float  # two-sided, H0: no correlation (normal approximation of Fisher's z; n ≥ 10 advised)


def _clean(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"x and y differ in length ({a.size} and {b.size})")
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep]


def pearson(x: ArrayLike, y: ArrayLike) -> Correlation:
    """Pearson's r over the pairs where both are known."""
    a, b = _clean(x, y)
    n = int(a.size)
    if n < 3 or np.std(a) == 0 or np.std(b) == 0:
        return Correlation(float("nan"), n, float("nan"), float("nan"), float("nan"))
    r = float(np.clip(np.corrcoef(a, b)[0, 1], -1.0, 1.0))
    if n <= 3 or abs(r) == 1.0:
        return Correlation(r, n, r, r, 0.0 if abs(r) == 1.0 else float("nan"))
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    return Correlation(r, n, math.tanh(z - Z95 * se), math.tanh(z + Z95 * se), normal_two_sided_p(z / se))


def ranks(values: ArrayLike) -> NDArray[np.float64]:
    """Ranks from 1, ties sharing their average rank."""
    v = np.asarray(values, dtype=np.float64)
    order = np.argsort(v, kind="mergesort")
    ranked = np.empty(v.size, dtype=np.float64)
    ranked[order] = np.arange(1, v.size + 1)
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranked)
    return np.asarray(sums[inverse] / counts[inverse], dtype=np.float64)


def spearman(x: ArrayLike, y: ArrayLike) -> Correlation:
    """Spearman's rho: Pearson's r of the ranks (ties averaged)."""
    a, b = _clean(x, y)
    return pearson(ranks(a), ranks(b))


@dataclass(frozen=True)
class GroupDifference:
    u: float  # Mann–Whitney U of the first group
    p: float  # two-sided, normal approximation with tie and continuity correction
    cliffs_delta: float  # P(a > b) − P(a < b), in [−1, 1]
    cohens_d: float  # mean difference ÷ pooled standard deviation


def mann_whitney(a: ArrayLike, b: ArrayLike) -> tuple[float, float]:
    """U of ``a`` and the two-sided p-value (normal approximation, tie-corrected, continuity-corrected)."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    n1, n2 = x.size, y.size
    if n1 == 0 or n2 == 0:
        return float("nan"), float("nan")
    both = np.concatenate([x, y])
    r = ranks(both)
    u = float(r[:n1].sum() - n1 * (n1 + 1) / 2)
    _, counts = np.unique(both, return_counts=True)
    n = n1 + n2
    ties = float((counts**3 - counts).sum())
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if variance <= 0:
        return u, 1.0
    mean = n1 * n2 / 2
    z = (abs(u - mean) - 0.5) / math.sqrt(variance)
    return u, min(1.0, normal_two_sided_p(max(z, 0.0)))


def cliffs_delta(a: ArrayLike, b: ArrayLike) -> float:
    """P(a > b) − P(a < b) over all pairs (via ranks: O(n log n))."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.size == 0 or y.size == 0:
        return float("nan")
    u, _ = mann_whitney(x, y)
    return float(2 * u / (x.size * y.size) - 1)


def cohens_d(a: ArrayLike, b: ArrayLike) -> float:
    """(mean a − mean b) ÷ the pooled sample standard deviation."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.size < 2 or y.size < 2:
        return float("nan")
    pooled = ((x.size - 1) * x.var(ddof=1) + (y.size - 1) * y.var(ddof=1)) / (x.size + y.size - 2)
    return float((x.mean() - y.mean()) / math.sqrt(pooled)) if pooled > 0 else float("nan")


def compare_groups(a: ArrayLike, b: ArrayLike) -> GroupDifference:
    u, p = mann_whitney(a, b)
    return GroupDifference(u, p, cliffs_delta(a, b), cohens_d(a, b))


def wilson_interval(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion k/n."""
    if n <= 0:
        return float("nan"), float("nan")
    p, z2 = k / n, Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


@dataclass(frozen=True)
class ProportionDifference:
    difference: float  # k1/n1 − k2/n2
    low: float  # 95 % Newcombe interval (from the two Wilson intervals)
    high: float
    p: float  # two-sided pooled z-test


def proportion_difference(k1: int, n1: int, k2: int, n2: int) -> ProportionDifference:
    """How a rate in one group differs from another's (e.g. low-score rate on Mondays vs other days)."""
    if n1 <= 0 or n2 <= 0:
        return ProportionDifference(float("nan"), float("nan"), float("nan"), float("nan"))
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = normal_two_sided_p(d / se) if se > 0 else (1.0 if d == 0 else 0.0)
    return ProportionDifference(d, low, high, p)


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """False-discovery-rate adjusted p-values (q-values), in the input order; NaN stays NaN."""
    p = np.asarray(pvalues, dtype=np.float64)
    known = np.flatnonzero(~np.isnan(p))
    q = np.full(p.size, np.nan)
    if known.size == 0:
        return q.tolist()
    order = known[np.argsort(p[known], kind="mergesort")]
    m = known.size
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return q.tolist()


@dataclass(frozen=True)
class MeanDifference:
    difference: float  # mean a − mean b
    low: float  # 95 % interval (Welch: unequal variances, normal approximation)
    high: float


def mean_difference(a: ArrayLike, b: ArrayLike) -> MeanDifference:
    """The difference of two means with its 95 % interval."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.size < 2 or y.size < 2:
        return MeanDifference(float("nan"), float("nan"), float("nan"))
    difference = float(x.mean() - y.mean())
    error = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    return MeanDifference(difference, difference - Z95 * error, difference + Z95 * error)
