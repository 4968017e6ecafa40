"""Detectors over analyzer output: metric thresholds, sentiment, key moments."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from callqa.scoring.detectors.base import Context, Result, detectors

Op = Literal["<", "<=", ">", ">=", "==", "!="]
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@detectors.register("metric")
class MetricDetector:
    """A talk metric compared with a threshold, e.g. ``hold_max_s <= 120``; missing metric → N/A."""

    type_name: ClassVar[str] = "metric"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        metric: str
        op: Op
        value: float
        when_missing: Literal["na", "pass", "fail"] = "na"

    def __init__(self, params: Params, path: str) -> None:
        self.params = params

    def evaluate(self, ctx: Context) -> Result:
        p = self.params
        value = ctx.analysis.annotations.get("metrics", {}).get(p.metric)
        if value is None:
            return Result(
                p.when_missing == "pass", 0.6, (), f"{p.metric} not available", p.when_missing != "na"
            )
        matched = _OPS[p.op](float(value), p.value)
        return Result(
            matched,
            0.95,
            (),
            f"{p.metric} = {value:g} ({p.op} {p.value:g} {'holds' if matched else 'does not hold'})",
        )


@detectors.register("sentiment")
class SentimentDetector:
    """A role's sentiment (overall / start / middle / end, or end − start) compared with a threshold."""

    type_name: ClassVar[str] = "sentiment"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        role: Literal["agent", "customer"] = "customer"
        part: Literal["overall", "start", "middle", "end", "change"] = "overall"
        op: Op
        value: float = Field(ge=-2, le=2)

    def __init__(self, params: Params, path: str) -> None:
        self.params = params

    def evaluate(self, ctx: Context) -> Result:
        p = self.params
        result = ctx.analysis.annotations.get("sentiment")
        trajectory = getattr(result, p.role, None) if result is not None else None
        if trajectory is None or trajectory.overall is None:
            return Result(False, 0.5, (), f"no {p.role} sentiment", applicable=False)
        if p.part == "change":
            value = (trajectory.end or 0.0) - (trajectory.start or 0.0)
        else:
            value = getattr(trajectory, p.part)
        matched = _OPS[p.op](value, p.value)
        return Result(matched, 0.7, (), f"{p.role} sentiment {p.part} = {value:+.2f}")


@detectors.register("moment")
class MomentDetector:
    """Any key moment of the given kinds (escalation request, legal threat, ...)."""

    type_name: ClassVar[str] = "moment"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        kinds: list[str] = Field(min_length=1)

    def __init__(self, params: Params, path: str) -> None:
        self.kinds = frozenset(params.kinds)

    def evaluate(self, ctx: Context) -> Result:
        found = [m for m in ctx.analysis.annotations.get("moments", ()) if m.kind in self.kinds]
        if found:
            return Result(
                True, 0.85, tuple(m.evidence for m in found), f"{found[0].kind}: “{found[0].evidence.text}”"
            )
        return Result(False, 0.75, (), f"no {' / '.join(sorted(self.kinds))}")
