"""What a scenario is built from: a stored interaction's turns (redacted again), the criteria its current
evaluation failed with the turns they point at, its contact reason, and the centre's frequent reasons."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.queries import get_interaction
from callqa.privacy.redact import redact_text, redact_turns
from callqa.scoring.models import AnalysisRow
from callqa.scoring.queries import analysis_for, evaluations_for


@dataclass(frozen=True)
class FailedCriterion:
    id: str
    title: str
    explanation: str  # redacted
    confidence: float
    turns: tuple[int, ...]  # the interaction's turn indexes its evidence quotes

    @property
    def key_point(self) -> str:
        return f"{self.title}: {self.explanation}" if self.explanation else self.title


@dataclass(frozen=True)
class Source:
    interaction_id: int
    language: str
    channel: str
    scorecard: str
    turns: tuple[tuple[str, str], ...]  # (role, text), redacted
    failed: tuple[FailedCriterion, ...]  # clearest first: with evidence, then by confidence
    reason: str | None = None
    reason_title: str | None = None

    @property
    def customer_turns(self) -> list[int]:
        return [i for i, (role, text) in enumerate(self.turns) if role == "customer" and text.strip()]


def _clearest(failed: FailedCriterion) -> tuple[bool, float, str]:
    return (not failed.turns, -failed.confidence, failed.id)


def source_of(session: Session, interaction_id: int, scorecard: str) -> Source:
    """The interaction as a scenario sees it; T103 without a current evaluation with ``scorecard``."""
    stored = get_interaction(session, interaction_id)
    evaluation = next((e for e in evaluations_for(session, interaction_id) if e.scorecard == scorecard), None)
    if evaluation is None:
        raise CallqaError(ErrorCode.T103, interaction=interaction_id, scorecard=scorecard)
    doc = stored.doc
    # Stored turns are redacted at ingest; again here so a scenario never depends on how a turn got in.
    said: list[tuple[str, str]] = [(str(turn.role), turn.text) for turn in doc.turns]
    turns = tuple((role, red.text) for (role, _), red in zip(said, redact_turns(said), strict=True))
    failed = [
        FailedCriterion(
            id=str(c["id"]),
            title=str(c["title"]),
            explanation=redact_text(str(c.get("explanation") or "")).text,
            confidence=float(c.get("confidence") or 0.0),
            turns=tuple(int(e["turn"]) for e in c.get("evidence") or () if isinstance(e.get("turn"), int)),
        )
        for c in evaluation.criteria
        if c["outcome"] == "fail"
    ]
    reason = (analysis_for(session, interaction_id) or {}).get("reason") or {}
    return Source(
        interaction_id=interaction_id,
        language=doc.language or "en",
        channel=str(doc.channel),
        scorecard=scorecard,
        turns=turns,
        failed=tuple(sorted(failed, key=_clearest)),
        reason=reason.get("id") or None,
        reason_title=reason.get("title") or None,
    )


def frequent_reasons(session: Session, *, limit: int = 10) -> list[tuple[str, str]]:
    """The centre's most frequent contact reasons in stored analyses: (id, title), most frequent first."""
    reason = AnalysisRow.data["reason"]["id"].as_string()
    title = AnalysisRow.data["reason"]["title"].as_string()
    rows = session.execute(
        select(reason, func.max(title), func.count())
        .where(reason.is_not(None))
        .group_by(reason)
        .order_by(func.count().desc(), reason)
        .limit(limit)
    ).all()
    return [(str(r[0]), str(r[1] or r[0])) for r in rows if r[0]]
