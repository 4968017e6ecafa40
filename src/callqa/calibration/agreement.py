"""Agreement statistics of a calibration session: Krippendorff's alpha, per-criterion agreement, score
spread, and each grader's alignment with a benchmark grader (leniency / strictness)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations, permutations
from statistics import fmean, pstdev
from typing import Any, Literal

OUTCOMES = ("pass", "fail", "n/a")
ALIGNED_BIAS = 5.0  # |mean score difference| below this (points) ...
ALIGNED_AGREEMENT = 0.8  # ... and outcome agreement at least this: "aligned"


@dataclass(frozen=True)
class Grade:
    grader: str
    interaction: int
    criterion: str
    outcome: str


@dataclass(frozen=True)
class TotalScore:
    grader: str
    interaction: int
    score: float | None


def krippendorff_alpha(
    units: Mapping[Any, Mapping[str, Any]],
    *,
    level: Literal["nominal", "interval"] = "nominal",
) -> float | None:
    """Krippendorff's alpha over units (item → grader → value), from the coincidence matrix. Units with fewer
    than two values are not pairable and ignored. None when nothing is pairable or every value is the same
    (no expected disagreement: alpha is undefined)."""
    coincidences: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for values in units.values():
        present = [v for v in values.values() if v is not None]
        if len(present) < 2:
            continue
        weight = 1.0 / (len(present) - 1)
        for a, b in permutations(range(len(present)), 2):
            coincidences[(present[a], present[b])] += weight
    if not coincidences:
        return None
    totals: dict[Hashable, float] = defaultdict(float)
    for (c, _), count in coincidences.items():
        totals[c] += count
    n = sum(totals.values())

    def delta(c: Hashable, k: Hashable) -> float:
        if level == "interval":
            return (float(c) - float(k)) ** 2  # type: ignore[arg-type]
        return 0.0 if c == k else 1.0

    observed = sum(count * delta(c, k) for (c, k), count in coincidences.items()) / n
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in totals for k in totals) / (n * (n - 1))
    if expected == 0:
        return None
    return 1.0 - observed / expected


def _check(grades: Iterable[Grade]) -> list[Grade]:
    seen: set[tuple[str, int, str]] = set()
    out = []
    for g in grades:
        if g.outcome not in OUTCOMES:
            raise ValueError(
                f"grade by '{g.grader}' on interaction {g.interaction}, criterion '{g.criterion}': "
                f"outcome '{g.outcome}' is not pass, fail or n/a"
            )
        key = (g.grader, g.interaction, g.criterion)
        if key in seen:
            raise ValueError(
                f"'{g.grader}' graded interaction {g.interaction}, criterion '{g.criterion}' twice"
            )
        seen.add(key)
        out.append(g)
    return out


@dataclass(frozen=True)
class CriterionAgreement:
    criterion: str
    interactions: int
    graders: int
    unanimous: float  # share of interactions where every grader gave the same outcome
    pairwise: float  # mean share of grader pairs that agree
    alpha: float | None
    outcomes: dict[str, dict[str, int]]  # grader → outcome → count

    def as_json(self) -> dict[str, object]:
        return {
            **self.__dict__,
            "unanimous": _r(self.unanimous),
            "pairwise": _r(self.pairwise),
            "alpha": _r(self.alpha),
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def criterion_agreement(grades: Iterable[Grade]) -> dict[str, CriterionAgreement]:
    """Per criterion: unanimity, mean pairwise agreement, nominal alpha, each grader's outcome counts."""
    by_criterion: dict[str, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for g in _check(grades):
        by_criterion[g.criterion][g.interaction][g.grader] = g.outcome
    out = {}
    for criterion, units in by_criterion.items():
        pairable = [u for u in units.values() if len(u) >= 2]
        pair_shares = [
            fmean(1.0 if a == b else 0.0 for a, b in combinations(u.values(), 2)) for u in pairable
        ]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for unit in units.values():
            for grader, outcome in unit.items():
                counts[grader][outcome] += 1
        out[criterion] = CriterionAgreement(
            criterion=criterion,
            interactions=len(units),
            graders=len({g for u in units.values() for g in u}),
            unanimous=fmean(1.0 if len(set(u.values())) == 1 else 0.0 for u in pairable) if pairable else 0.0,
            pairwise=fmean(pair_shares) if pair_shares else 0.0,
            alpha=krippendorff_alpha(units),
            outcomes={g: dict(c) for g, c in sorted(counts.items())},
        )
    return out


@dataclass(frozen=True)
class Spread:
    interaction: int
    graders: int
    low: float
    high: float
    mean: float
    std: float

    @property
    def range(self) -> float:
        return self.high - self.low

    def as_json(self) -> dict[str, object]:
        return {
            **{k: _r(v) if isinstance(v, float) else v for k, v in self.__dict__.items()},
            "range": _r(self.range),
        }


def score_spread(totals: Iterable[TotalScore]) -> dict[int, Spread]:
    """Per interaction: the lowest, highest, mean and (population) spread of the graders' total scores."""
    scores: dict[int, list[float]] = defaultdict(list)
    for t in totals:
        if t.score is not None:
            scores[t.interaction].append(float(t.score))
    return {
        i: Spread(i, len(v), min(v), max(v), fmean(v), pstdev(v) if len(v) > 1 else 0.0)
        for i, v in sorted(scores.items())
    }


@dataclass(frozen=True)
class Alignment:
    grader: str
    compared: int  # (interaction, criterion) pairs graded by both
    agreement: float | None
    score_bias: float | None  # mean (grader − benchmark) total score: positive = more lenient
    score_mad: float | None
    leniency: float | None  # rate of pass where benchmark failed − rate of fail where benchmark passed
    label: str

    def as_json(self) -> dict[str, object]:
        return {k: _r(v) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def grader_alignment(
    grades: Iterable[Grade], totals: Iterable[TotalScore], *, benchmark: str
) -> dict[str, Alignment]:
    """How each grader compares with the benchmark grader: outcome agreement, score bias, leniency."""
    outcomes: dict[str, dict[tuple[int, str], str]] = defaultdict(dict)
    for g in _check(grades):
        outcomes[g.grader][(g.interaction, g.criterion)] = g.outcome
    scores: dict[str, dict[int, float]] = defaultdict(dict)
    for t in totals:
        if t.score is not None:
            scores[t.grader][t.interaction] = float(t.score)
    reference, reference_scores = outcomes.get(benchmark, {}), scores.get(benchmark, {})
    out = {}
    for grader in sorted((set(outcomes) | set(scores)) - {benchmark}):
        shared = [k for k in outcomes[grader] if k in reference]
        agree = fmean(1.0 if outcomes[grader][k] == reference[k] else 0.0 for k in shared) if shared else None
        bench_fail = [k for k in shared if reference[k] == "fail"]
        bench_pass = [k for k in shared if reference[k] == "pass"]
        lenient = (
            fmean(1.0 if outcomes[grader][k] == "pass" else 0.0 for k in bench_fail) if bench_fail else 0.0
        )
        strict = (
            fmean(1.0 if outcomes[grader][k] == "fail" else 0.0 for k in bench_pass) if bench_pass else 0.0
        )
        leniency = lenient - strict if shared else None
        diffs = [scores[grader][i] - reference_scores[i] for i in scores[grader] if i in reference_scores]
        bias = fmean(diffs) if diffs else None
        mad = fmean(abs(d) for d in diffs) if diffs else None
        out[grader] = Alignment(
            grader, len(shared), agree, bias, mad, leniency, _label(agree, bias, leniency)
        )
    return out


def _label(agreement: float | None, bias: float | None, leniency: float | None) -> str:
    if agreement is None and bias is None:
        return "not compared"
    if (bias is None or abs(bias) < ALIGNED_BIAS) and (agreement is None or agreement >= ALIGNED_AGREEMENT):
        return "aligned"
    lean = bias if bias is not None and abs(bias) >= ALIGNED_BIAS else leniency
    if lean is None or lean == 0:
        return "inconsistent"
    return "lenient" if lean > 0 else "strict"


@dataclass(frozen=True)
class CalibrationSummary:
    alpha: float | None  # nominal, over every (interaction, criterion)
    score_alpha: float | None  # interval, over total scores
    criteria: dict[str, CriterionAgreement]
    spread: dict[int, Spread]
    alignment: dict[str, Alignment] = field(default_factory=dict)

    @property
    def hardest(self) -> list[str]:
        """Criteria with the least agreement first."""
        return sorted(self.criteria, key=lambda c: (self.criteria[c].pairwise, c))

    def as_json(self) -> dict[str, object]:
        return {
            "alpha": _r(self.alpha),
            "score_alpha": _r(self.score_alpha),
            "criteria": {c: a.as_json() for c, a in self.criteria.items()},
            "spread": {str(i): s.as_json() for i, s in self.spread.items()},
            "alignment": {g: a.as_json() for g, a in self.alignment.items()},
            "hardest": self.hardest,
        }


def session_summary(
    grades: Iterable[Grade], totals: Iterable[TotalScore], *, benchmark: str | None
) -> CalibrationSummary:
    """Everything a calibration meeting looks at, from the session's grades and total scores."""
    grades, totals = _check(grades), list(totals)
    units: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for g in grades:
        units[(g.interaction, g.criterion)][g.grader] = g.outcome
    score_units: dict[int, dict[str, float]] = defaultdict(dict)
    for t in totals:
        if t.score is not None:
            score_units[t.interaction][t.grader] = float(t.score)
    return CalibrationSummary(
        alpha=krippendorff_alpha(units),
        score_alpha=krippendorff_alpha(score_units, level="interval"),
        criteria=criterion_agreement(grades),
        spread=score_spread(totals),
        alignment=grader_alignment(grades, totals, benchmark=benchmark) if benchmark else {},
    )
