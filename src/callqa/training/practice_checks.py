"""How a practice is judged: the conversation so far becomes an ``Interaction`` document, the analysis
pipeline reads it, and the scorecard's own detectors decide — a step's act points after each answer, every
criterion when the practice ends. Nothing is stored here (the practice row keeps what this returns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callqa.analysis.pipeline import Pipeline
from callqa.core.annotations import Evidence
from callqa.core.document import MAX_MS, Channel, Interaction, Role, Turn
from callqa.scoring.detectors import Context, Services
from callqa.scoring.engine import CriterionResult, Evaluation, evaluate, evaluate_criterion
from callqa.scoring.loader import Scorecard

SNIPPET = 200  # characters of evidence kept on a turn's check


@dataclass(frozen=True)
class Judging:
    """What judging a practice takes, handed in by the surface that runs it (web, CLI): the configured
    pipeline, the scorecard store's current version of a name, and the detectors' shared services."""

    pipeline: Pipeline
    scorecard: Callable[[str], Scorecard]
    services: Services


@dataclass(frozen=True)
class Line:
    """One line of the conversation as stored: who said it, what (already redacted), and when."""

    role: str  # customer | agent
    text: str
    at: datetime


def document(
    lines: Sequence[Line], *, practice_id: int, language: str, agent: str, channel: Channel, started: datetime
) -> Interaction:
    """The conversation so far as an interaction: each line's time is its offset from the start, and it
    lasts until the next line (the last one a second)."""
    offsets = [max(0, min(MAX_MS, round((line.at - started).total_seconds() * 1000))) for line in lines]
    turns = []
    for i, line in enumerate(lines):
        end = offsets[i + 1] if i + 1 < len(lines) else min(MAX_MS, offsets[i] + 1000)
        turns.append(
            Turn(
                role=Role.AGENT if line.role == "agent" else Role.CUSTOMER,
                text=line.text,
                start_ms=offsets[i],
                end_ms=max(end, offsets[i]),
                speaker=agent if line.role == "agent" else "customer",
            )
        )
    return Interaction(
        external_id=f"practice-{practice_id}",
        source="callqa-practice",
        channel=channel,
        agent=agent,
        language=language,
        started_at=started,
        turns=turns,
        metadata={"practice": practice_id},
    )


def check_step(
    doc: Interaction, criteria: Sequence[str], scorecard: Scorecard, judging: Judging
) -> list[CriterionResult]:
    """The step's criteria only, evaluated on the conversation so far by their detectors (in the step's
    order); the rest of the scorecard is not run."""
    wanted = {c.spec.id: c for c in scorecard.criteria if c.spec.id in criteria}
    if not wanted:
        return []
    ctx = Context.full(judging.pipeline.run(doc), judging.services)
    return [evaluate_criterion(wanted[c], ctx) for c in criteria if c in wanted]


def met(results: Sequence[CriterionResult]) -> bool:
    """Every act point met: passed, or not applicable to this conversation."""
    return all(r.outcome != "fail" for r in results)


def score(doc: Interaction, scorecard: Scorecard, judging: Judging) -> Evaluation:
    """The whole practice scored by the whole scorecard (N/A where a criterion does not apply)."""
    return evaluate(judging.pipeline.run(doc), scorecard, judging.services)


def _said(doc: Interaction, evidence: Sequence[Evidence]) -> list[str]:
    """The agent's own words among the evidence (a detector may also quote the customer's problem)."""
    found = []
    for e in evidence:
        if 0 <= e.turn < len(doc.turns) and doc.turns[e.turn].role is not Role.AGENT:
            continue
        text = e.text or (doc.turns[e.turn].text if 0 <= e.turn < len(doc.turns) else "")
        found.append(text[:SNIPPET])
    return found


def check_json(doc: Interaction, result: CriterionResult) -> dict[str, Any]:
    """A step check as a turn keeps it: criterion, outcome and the words that show it."""
    return {
        "criterion": result.criterion,
        "title": result.title,
        "outcome": result.outcome,
        "evidence": _said(doc, result.evidence),
    }


def result_json(doc: Interaction, result: CriterionResult) -> dict[str, Any]:
    """A criterion's final result as the practice keeps it: the engine's JSON, its title, and the words
    of each piece of evidence (so the result page shows the agent's own words)."""
    return {
        **result.as_json(),
        "title": result.title,
        "said": _said(doc, result.evidence),
    }
