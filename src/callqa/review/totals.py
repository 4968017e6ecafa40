"""The score of an evaluation after people changed some criterion outcomes (same rule as the engine)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def rescored(criteria: Sequence[Mapping[str, Any]], outcomes: Mapping[str, str]) -> tuple[float | None, bool]:
    """(score, auto_failed) with ``outcomes`` (criterion id → outcome) replacing the AI's: the weighted share
    of applicable points, N/A excluded; a failed critical criterion auto-fails and scores 0."""
    final, raw = _raw(criteria, outcomes)
    auto_failed = any(bool(c["critical"]) and o == "fail" for c, o in final)
    return (0.0 if auto_failed else raw), auto_failed


def _raw(
    criteria: Sequence[Mapping[str, Any]], outcomes: Mapping[str, str]
) -> tuple[list[tuple[Mapping[str, Any], str]], float | None]:
    final = [(c, outcomes.get(str(c["id"]), str(c["outcome"]))) for c in criteria]
    applicable = [(c, o) for c, o in final if o != "n/a"]
    total = sum(float(c["weight"]) for c, _ in applicable)
    raw = (
        round(100 * sum(float(c["weight"]) for c, o in applicable if o == "pass") / total, 1)
        if total
        else None
    )
    return final, raw


def official(
    criteria: Sequence[Mapping[str, Any]], outcomes: Mapping[str, str], pass_mark: float
) -> tuple[float | None, float | None, bool, bool]:
    """(score, raw score, auto_failed, passed) with ``outcomes`` replacing the AI's, as the engine scores."""
    score, auto_failed = rescored(criteria, outcomes)
    _, raw = _raw(criteria, outcomes)
    passed = not auto_failed and raw is not None and raw >= pass_mark
    return score, raw, auto_failed, passed
