"""Root causes: which values of which dimensions go with an outcome (low score, a failed criterion, low
CSAT, repeat contact ...), ranked by effect and significance, with a sentence a manager can read.

Each value of each dimension (hour 9, weekday Monday, queue "cards", tenure "< 3 months" ...) is compared
with every other interaction: the outcome's rate inside against outside, the difference with its 95 %
interval, the ratio, and a two-sided p-value; p-values are adjusted for the number of comparisons
(Benjamini–Hochberg), so a finding among hundreds tried is not luck.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from callqa.core.stats import benjamini_hochberg, proportion_difference

MIN_GROUP = 20  # fewer interactions than this in a group (or outside it) say too little to rank


@dataclass(frozen=True)
class Driver:
    dimension: str
    value: str
    n: int  # interactions with this value
    hits: int  # of them, with the outcome
    rate: float
    rest_rate: float  # the outcome's rate among all other interactions
    difference: float
    low: float  # 95 % interval of the difference
    high: float
    lift: float  # rate ÷ rest_rate
    p: float
    q: float  # Benjamini–Hochberg adjusted

    def finding(self, outcome: str) -> str:
        """One plain sentence, e.g. 'Low score is 2.1× as common when hour is 9 (34 % vs 16 %, 412 calls).'"""
        more = self.lift >= 1
        times = (
            f"{self.lift:.1f}× as common"
            if more
            else f"{1 / self.lift:.1f}× less common"
            if self.lift
            else "absent"
        )
        return (
            f"{outcome} is {times} when {self.dimension} is {self.value} "
            f"({self.rate:.0%} vs {self.rest_rate:.0%}, {self.n} interactions)."
        )


@dataclass
class Tally:
    """How many interactions, and how many with the outcome, per value of each dimension."""

    total: int = 0
    positives: int = 0
    groups: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # dim → value → (n, hits)

    def add(self, dimension: str, value: Any, n: int, hits: int) -> None:
        key = "unknown" if value is None or value == "" else str(value)
        old_n, old_hits = self.groups.setdefault(dimension, {}).get(key, (0, 0))
        self.groups[dimension][key] = (old_n + n, old_hits + hits)


def tally_rows(rows: Iterable[Mapping[str, Any]], outcome: str, dimensions: Sequence[str]) -> Tally:
    """Count ``rows`` (interactions as mappings; ``outcome`` names a true/false field)."""
    total = 0
    positives = 0
    counts: dict[str, Counter[str]] = {d: Counter() for d in dimensions}
    hits: dict[str, Counter[str]] = {d: Counter() for d in dimensions}
    for row in rows:
        total += 1
        hit = bool(row.get(outcome))
        positives += hit
        for dimension in dimensions:
            value = row.get(dimension)
            key = "unknown" if value is None or value == "" else str(value)
            counts[dimension][key] += 1
            hits[dimension][key] += hit
    tally = Tally(total, positives)
    for dimension in dimensions:
        for key, n in counts[dimension].items():
            tally.add(dimension, key, n, hits[dimension][key])
    return tally


def rank_drivers(
    rows: Iterable[Mapping[str, Any]],
    outcome: str,
    dimensions: Sequence[str],
    *,
    max_q: float = 0.05,
    min_group: int = MIN_GROUP,
) -> list[Driver]:
    """Dimension values whose outcome rate differs from the rest (q ≤ ``max_q``), the strongest first.

    A missing dimension value is its own group ("unknown"). See :func:`rank_tally`.
    """
    return rank_tally(tally_rows(rows, outcome, dimensions), max_q=max_q, min_group=min_group)


def rank_tally(tally: Tally, *, max_q: float = 0.05, min_group: int = MIN_GROUP) -> list[Driver]:
    """Rank the groups of ``tally`` by how many more (or fewer) outcomes they have than the overall rate
    would give them, so a large group with a modest effect can outrank a tiny group with a big one; of two
    equal (the two sides of a yes/no split), the one where the outcome is more common comes first."""
    total, positives = tally.total, tally.positives
    candidates: list[tuple[str, str, int, int]] = [
        (d, v, n, k)
        for d, values in tally.groups.items()
        for v, (n, k) in values.items()
        if n >= min_group and total - n >= min_group
    ]
    tests = [proportion_difference(k, n, positives - k, total - n) for _, _, n, k in candidates]
    qs = benjamini_hochberg([t.p for t in tests])
    drivers = []
    for (dimension, value, n, k), test, q in zip(candidates, tests, qs, strict=True):
        rest = (positives - k) / (total - n)
        drivers.append(
            Driver(
                dimension,
                value,
                n,
                k,
                k / n,
                rest,
                test.difference,
                test.low,
                test.high,
                (k / n) / rest if rest else float("inf"),
                test.p,
                q,
            )
        )
    found = [d for d in drivers if d.q <= max_q]
    overall = positives / total if total else 0.0
    return sorted(found, key=lambda d: (-round(abs(d.hits - overall * d.n), 6), -d.difference))
