"""Evaluate one analysed interaction against a scorecard: outcome, confidence, evidence per criterion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from callqa.analysis.base import Analysis
from callqa.core.annotations import Evidence
from callqa.scoring.detectors import Context, Result, Services
from callqa.scoring.loader import Criterion, Scorecard

ENGINE_VERSION = "callqa.engine.1"
Outcome = Literal["pass", "fail", "n/a"]


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    section: str
    title: str
    outcome: Outcome
    confidence: float
    weight: float
    critical: bool
    explanation: str
    evidence: tuple[Evidence, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.criterion,
            "section": self.section,
            "outcome": self.outcome,
            "confidence": round(self.confidence, 3),
            "weight": self.weight,
            "critical": self.critical,
            "explanation": self.explanation,
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class Evaluation:
    """Per-criterion results and the weighted score (N/A excluded); a failed critical criterion auto-fails."""

    scorecard: str
    scorecard_hash: str
    engine_version: str
    results: tuple[CriterionResult, ...]
    raw_score: float | None
    auto_failed: bool
    passed: bool

    @property
    def score(self) -> float | None:
        """The reported score: 0 when auto-failed, else the weighted share of applicable points."""
        return 0.0 if self.auto_failed else self.raw_score

    def result(self, criterion: str) -> CriterionResult:
        return next(r for r in self.results if r.criterion == criterion)


def _explain(criterion: Criterion, outcome: Outcome, note: str) -> str:
    template = {
        "pass": criterion.spec.explain.pass_,
        "fail": criterion.spec.explain.fail,
        "n/a": criterion.spec.explain.na,
    }[outcome]
    if template:
        return template.replace("{note}", note)
    label = {"pass": "Pass", "fail": "Fail", "n/a": "N/A"}[outcome]
    return f"{label}: {note}" if note else label


def _na(
    criterion: Criterion, note: str, confidence: float = 1.0, evidence: tuple[Evidence, ...] = ()
) -> CriterionResult:
    s = criterion.spec
    return CriterionResult(
        s.id,
        criterion.section,
        s.title,
        "n/a",
        confidence,
        s.weight,
        s.critical,
        _explain(criterion, "n/a", note),
        evidence,
    )


def evaluate_criterion(criterion: Criterion, ctx: Context) -> CriterionResult:
    s = criterion.spec
    channel = ctx.analysis.interaction.channel
    if s.channels is not None and channel not in s.channels:
        return _na(criterion, f"not scored on {channel}")
    if criterion.applies_when is not None:
        gate = criterion.applies_when.evaluate(ctx)
        if not gate.matched:
            return _na(criterion, gate.note or "does not apply", gate.confidence)
    if criterion.na_when is not None:
        gate = criterion.na_when.evaluate(ctx)
        if gate.matched:
            return _na(criterion, gate.note, gate.confidence, gate.evidence)
    result: Result = criterion.detector.evaluate(ctx)
    if not result.applicable:
        return _na(criterion, result.note, result.confidence, result.evidence)
    ok = result.matched == (s.expect == "present")
    outcome: Outcome = "pass" if ok else "fail"
    return CriterionResult(
        s.id,
        criterion.section,
        s.title,
        outcome,
        result.confidence,
        s.weight,
        s.critical,
        _explain(criterion, outcome, result.note),
        result.evidence,
    )


def evaluate(analysis: Analysis, scorecard: Scorecard, services: Services | None = None) -> Evaluation:
    """Score one analysed interaction (pure: reads the analysis, stores nothing)."""
    ctx = Context.full(analysis, services or Services())
    results = tuple(evaluate_criterion(c, ctx) for c in scorecard.criteria)
    applicable = [r for r in results if r.outcome != "n/a"]
    total = sum(r.weight for r in applicable)
    raw = round(100 * sum(r.weight for r in applicable if r.outcome == "pass") / total, 1) if total else None
    auto_failed = any(r.critical and r.outcome == "fail" for r in results)
    passed = not auto_failed and raw is not None and raw >= scorecard.spec.pass_mark
    return Evaluation(
        scorecard.name, scorecard.content_hash, ENGINE_VERSION, results, raw, auto_failed, passed
    )
