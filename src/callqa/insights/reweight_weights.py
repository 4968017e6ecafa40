"""The reweighting formula: new criterion weights from the current ones and each criterion's measured
importance to customers, bounded, summing to the same total, rounded to the scorecard's own step.

With ``s_i`` the criterion's share of the total weight and ``e_i`` its importance (see
:mod:`callqa.insights.reweight`: 0 when no effect is significant), over the criteria that could be judged
(the *pool*, holding share ``S``)::

    m_i = S · e_i / Σ e_j                    the share the measured effect alone would give it
    t_i = (1 − blend) · s_i + blend · m_i    the blend of the two
    max(s_i / factor, min(s_i, floor)) ≤ t_i ≤ s_i · factor, Σ t_i = S   (the bounds, by clipping and
                                              rescaling the others until none is outside its bounds)
    w'_i = t_i · W, rounded to the step of the weights as written, the total kept by largest remainders

Criteria that could not be judged keep their weight exactly; when no effect in the pool is significant
(Σ e_j = 0) nothing moves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from callqa.core.errors import CallqaError, ErrorCode

STEPS = (1.0, 0.5, 0.25, 0.1, 0.05, 0.01)


@dataclass(frozen=True)
class Policy:
    """How far a suggestion may move the weights (the defaults are documented in
    docs/operations-standards.md)."""

    blend: float = 0.5  # 0: keep the weights, 1: the measured effect alone
    floor: float = 0.02  # no criterion's share drops below this (one already below it keeps its own)
    factor: float = 2.0  # no weight is multiplied or divided by more than this
    q_max: float = 0.05  # an effect counts when its Benjamini–Hochberg q-value is at most this
    csat_span: float = 4.0  # CSAT gap ÷ this (the 1–5 scale) is comparable with a recontact rate gap
    recontact: bool = True  # whether the recontact effect adds to the CSAT effect

    def __post_init__(self) -> None:
        checks = (
            ("blend", self.blend, 0 <= self.blend <= 1, "between 0 and 1"),
            ("floor", self.floor, 0 <= self.floor < 1, "at least 0 and below 1"),
            ("factor", self.factor, self.factor >= 1, "at least 1"),
            ("q_max", self.q_max, 0 < self.q_max <= 1, "above 0 and at most 1"),
            ("csat_span", self.csat_span, self.csat_span > 0, "above 0"),
        )
        for field, value, ok, bound in checks:
            if not ok or math.isnan(value):
                raise CallqaError(ErrorCode.O163, field=field, bound=bound, value=value)


CONTROLS = ("blend", "factor", "floor")  # what a person may set on the page and the command line


def policy_from(values: Mapping[str, str]) -> Policy:
    """The policy the page's controls ask for (``CONTROLS`` as text; blank or absent: the default),
    refused with O163 when a value is not a finite number or is out of its bounds."""
    given: dict[str, float] = {}
    for name in CONTROLS:
        text = (values.get(name) or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise CallqaError(ErrorCode.O163, field=name, bound="a number", value=text)
        given[name] = value
    usual = Policy()
    return Policy(
        blend=given.get("blend", usual.blend),
        factor=given.get("factor", usual.factor),
        floor=given.get("floor", usual.floor),
    )


def step_of(weights: Iterable[float]) -> float:
    """The coarsest of 1, 0.5, 0.25, 0.1, 0.05, 0.01 that every weight is a multiple of."""
    values = list(weights)
    for step in STEPS:
        if all(abs(w / step - round(w / step)) < 1e-6 for w in values):
            return step
    return STEPS[-1]


def bounds(share: float, policy: Policy) -> tuple[float, float]:
    """The lowest and highest share a criterion holding ``share`` may be given."""
    return max(share / policy.factor, min(share, policy.floor)), share * policy.factor


def suggest(
    weights: Mapping[str, float], importance: Mapping[str, float | None], policy: Policy
) -> dict[str, float]:
    """New weights (same keys, same total); ``importance``: criterion → e ≥ 0, None or absent when it
    could not be judged (its weight is kept)."""
    total = sum(weights.values())
    pool = [c for c in weights if weights[c] > 0 and importance.get(c) is not None]
    mass = sum(importance[c] or 0.0 for c in pool)
    if total <= 0 or not pool or mass <= 0:
        return dict(weights)
    share = {c: weights[c] / total for c in pool}
    held = sum(share.values())
    target = {
        c: (1 - policy.blend) * share[c] + policy.blend * held * (importance[c] or 0.0) / mass for c in pool
    }
    limits = {c: bounds(share[c], policy) for c in pool}
    fitted = _within(target, limits, held)
    step = step_of(weights.values())
    units = _rounded(
        {c: fitted[c] * total / step for c in pool},
        {c: (lo * total / step, hi * total / step) for c, (lo, hi) in limits.items()},
        round(sum(weights[c] for c in pool) / step),
    )
    out = dict(weights)
    for c in pool:
        out[c] = round(units[c] * step, 6)
    return out


def _within(
    target: Mapping[str, float], limits: Mapping[str, tuple[float, float]], held: float
) -> dict[str, float]:
    """``target`` rescaled to sum to ``held`` with each value inside its limits: a value pushed outside is
    fixed at the limit and the others rescaled, until none is outside."""
    fixed: dict[str, float] = {}
    while True:
        free = [c for c in target if c not in fixed]
        room = held - sum(fixed.values())
        weight = sum(target[c] for c in free)
        scaled = {c: target[c] * room / weight if weight > 0 else room / len(free) for c in free}
        low = {c: limits[c][0] for c in free if scaled[c] < limits[c][0] - 1e-12}
        high = {c: limits[c][1] for c in free if scaled[c] > limits[c][1] + 1e-12}
        # fix only the side that is further out: fixing both at once can overshoot the total
        over = sum(scaled[c] - v for c, v in high.items())
        under = sum(v - scaled[c] for c, v in low.items())
        if not low and not high:
            return {**fixed, **scaled}
        fixed.update(high if over >= under else low)
        if len(fixed) == len(target):
            return fixed


def _rounded(
    exact: Mapping[str, float], limits: Mapping[str, tuple[float, float]], total: int
) -> dict[str, int]:
    """Whole units near ``exact`` summing to ``total``, each within its limits (largest remainders)."""
    lo = {c: math.ceil(a - 1e-6) for c, (a, _) in limits.items()}
    hi = {c: math.floor(b + 1e-6) for c, (_, b) in limits.items()}
    units = {c: min(hi[c], max(lo[c], math.floor(x + 1e-9))) for c, x in exact.items()}
    gap = total - sum(units.values())
    while gap > 0:
        can = [c for c in units if units[c] < hi[c]]
        if not can:
            break
        c = max(can, key=lambda k: (exact[k] - units[k], k))
        units[c] += 1
        gap -= 1
    while gap < 0:
        can = [c for c in units if units[c] > lo[c]]
        if not can:
            break
        c = min(can, key=lambda k: (exact[k] - units[k], k))
        units[c] -= 1
        gap += 1
    return units


def score(outcomes: Mapping[str, str], weights: Mapping[str, float], critical: Iterable[str]) -> float | None:
    """The score an evaluation with these outcomes gets with these weights, as the engine computes it:
    0 when a critical criterion failed, else the weighted share of the judged criteria (None: none)."""
    judged = {c: o for c, o in outcomes.items() if c in weights and o in ("pass", "fail")}
    if any(judged.get(c) == "fail" for c in critical):
        return 0.0
    total = sum(weights[c] for c in judged)
    if total <= 0:
        return None
    return 100 * sum(weights[c] for c, o in judged.items() if o == "pass") / total
