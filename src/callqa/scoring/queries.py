"""Read evaluations back: the current one per interaction, the history, and records for export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.interactions.models import InteractionRow
from callqa.interactions.queries import interaction_conditions
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow, ScorecardRow


@dataclass(frozen=True)
class StoredEvaluation:
    """An evaluation as stored: ``score`` & co. are the official result (a shared review's once there is
    one), ``ai_score`` and each criterion's ``ai_outcome`` what the AI said."""

    id: int
    interaction_id: int
    scorecard: str
    scorecard_version: int
    engine_version: str
    score: float | None
    raw_score: float | None
    auto_failed: bool
    passed: bool
    is_current: bool
    created_at: datetime
    criteria: tuple[dict[str, Any], ...]
    ai_score: float | None = None
    ai_auto_failed: bool | None = None
    review_state: str | None = None  # the shared review's state; None: the AI's result stands

    @property
    def reviewed_score(self) -> float | None:
        return self.score if self.review_state is not None else None


def _criteria(session: Session, evaluation_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.scalars(
        select(CriterionResultRow)
        .where(CriterionResultRow.evaluation_id.in_(evaluation_ids))
        .order_by(CriterionResultRow.id)
    )
    for r in rows:
        found[r.evaluation_id].append(
            {
                "id": r.criterion,
                "section": r.section,
                "title": r.title,
                "outcome": r.outcome,
                "ai_outcome": r.ai_outcome or r.outcome,
                "confidence": r.confidence,
                "weight": r.weight,
                "critical": r.critical,
                "explanation": r.explanation,
                "evidence": r.evidence,
            }
        )
    return found


def _stored(row: EvaluationRow, version: int, criteria: list[dict[str, Any]]) -> StoredEvaluation:
    return StoredEvaluation(
        row.id,
        row.interaction_id,
        row.scorecard_name,
        version,
        row.engine_version,
        row.score,
        row.raw_score,
        row.auto_failed,
        row.passed,
        row.is_current,
        row.created_at,
        tuple(criteria),
        row.ai_score,
        row.ai_auto_failed,
        row.review_state,
    )


def evaluations_for(
    session: Session, interaction_id: int, *, current_only: bool = True
) -> list[StoredEvaluation]:
    """The interaction's evaluations, newest first (only the current one per scorecard by default)."""
    query = (
        select(EvaluationRow, ScorecardRow.version)
        .join(ScorecardRow, ScorecardRow.id == EvaluationRow.scorecard_id)
        .where(EvaluationRow.interaction_id == interaction_id)
        .order_by(EvaluationRow.id.desc())
    )
    if current_only:
        query = query.where(EvaluationRow.is_current.is_(True))
    rows = session.execute(query).all()
    criteria = _criteria(session, [row.id for row, _ in rows])
    return [_stored(row, version, criteria[row.id]) for row, version in rows]


def analysis_for(session: Session, interaction_id: int) -> dict[str, Any] | None:
    row = session.scalars(select(AnalysisRow).where(AnalysisRow.interaction_id == interaction_id)).first()
    return None if row is None else row.data


def export_records(
    session: Session, query: InteractionQuery | None = None, *, chunk: int = 500
) -> Iterator[dict[str, Any]]:
    """One record per evaluated interaction (current evaluation; of ``query.scorecard``, else of every
    scorecard), streamed in chunks; ``query``'s fields about the interaction choose which."""
    query = query or InteractionQuery()
    scorecard = query.scorecard
    conditions = interaction_conditions(query)
    base = select(InteractionRow.id).where(*conditions).order_by(InteractionRow.id)
    last = 0
    while True:
        ids = list(session.scalars(base.where(InteractionRow.id > last).limit(chunk)))
        if not ids:
            return
        last = ids[-1]
        chunk_query = (
            select(EvaluationRow, ScorecardRow.version, InteractionRow, AnalysisRow.data)
            .join(ScorecardRow, ScorecardRow.id == EvaluationRow.scorecard_id)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .outerjoin(AnalysisRow, AnalysisRow.interaction_id == EvaluationRow.interaction_id)
            .where(EvaluationRow.interaction_id.in_(ids), EvaluationRow.is_current.is_(True))
            .order_by(EvaluationRow.interaction_id, EvaluationRow.scorecard_name)
        )
        if scorecard is not None:
            chunk_query = chunk_query.where(EvaluationRow.scorecard_name == scorecard)
        rows = session.execute(chunk_query).all()
        criteria = _criteria(session, [row[0].id for row in rows])
        for evaluation, version, interaction, data in rows:
            yield export_record(
                interaction, _stored(evaluation, version, criteria[evaluation.id]), data or {}
            )


def export_record(row: InteractionRow, ev: StoredEvaluation, data: dict[str, Any]) -> dict[str, Any]:
    """The documented export shape (docs/export.md)."""
    sentiment = data.get("sentiment") or {}
    return {
        "external_id": row.external_id,
        "source": row.source,
        "channel": row.channel,
        "language": data.get("language", {}).get("language") or row.language,
        "agent": row.agent,
        "team": row.team,
        "queue": row.queue,
        "started_at": row.started_at.isoformat() if row.started_at else None,
        "scorecard": ev.scorecard,
        "scorecard_version": ev.scorecard_version,
        "engine_version": ev.engine_version,
        "score": ev.score,
        "raw_score": ev.raw_score,
        "auto_failed": ev.auto_failed,
        "passed": ev.passed,
        "ai_score": ev.ai_score,
        "reviewed_score": ev.reviewed_score,
        "final_score": ev.score,
        "review_state": ev.review_state,
        "criteria": [
            {
                "id": c["id"],
                "section": c["section"],
                "outcome": c["outcome"],
                "ai_outcome": c["ai_outcome"],
                "reviewed_outcome": c["outcome"] if ev.review_state is not None else None,
                "confidence": c["confidence"],
                "explanation": c["explanation"],
                "evidence": [
                    {"turn": e["turn"], "start_ms": e["start_ms"], "end_ms": e["end_ms"], "text": e["text"]}
                    for e in c["evidence"]
                ],
            }
            for c in ev.criteria
        ],
        "sentiment": {"customer": sentiment.get("customer", {}), "agent": sentiment.get("agent", {})},
        "moments": [
            {"kind": m["kind"], "turn": m["turn"], "start_ms": m["start_ms"], "text": m["text"]}
            for m in data.get("moments", [])
        ],
        "friction": data.get("friction", []),
        "metrics": data.get("metrics", {}),
        "summary": (data.get("summary") or {}).get("text"),
        "contact_reason": (data.get("reason") or {}).get("id"),
        "csat": row.csat,
        "csat_scale": row.csat_scale,
        "nps": row.nps,
    }


@dataclass(frozen=True)
class CriterionRate:
    criterion: str
    title: str
    passed: int
    failed: int
    not_applicable: int

    @property
    def fail_rate(self) -> float | None:
        scored = self.passed + self.failed
        return self.failed / scored if scored else None


@dataclass(frozen=True)
class ScoreSummary:
    evaluations: int
    mean_score: float | None
    auto_failed: int
    passed: int
    criteria: tuple[CriterionRate, ...]


def score_summary(session: Session, scorecard: str) -> ScoreSummary:
    """Current evaluations by one scorecard: mean score, auto-fails, pass/fail/N-A counts per criterion."""
    current = (EvaluationRow.scorecard_name == scorecard, EvaluationRow.is_current.is_(True))
    count, mean, auto_failed, passed = session.execute(
        select(
            func.count(EvaluationRow.id),
            func.avg(EvaluationRow.score),
            func.sum(case((EvaluationRow.auto_failed.is_(True), 1), else_=0)),
            func.sum(case((EvaluationRow.passed.is_(True), 1), else_=0)),
        ).where(*current)
    ).one()
    rows = session.execute(
        select(
            CriterionResultRow.criterion, CriterionResultRow.title, CriterionResultRow.outcome, func.count()
        )
        .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
        .where(*current)
        .group_by(CriterionResultRow.criterion, CriterionResultRow.title, CriterionResultRow.outcome)
    ).all()
    order: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    for criterion, title, outcome, n in rows:
        order.setdefault(criterion, title)
        counts[(criterion, outcome)] = int(n)
    first_seen = {
        c: i
        for i, c in enumerate(
            session.scalars(
                select(CriterionResultRow.criterion)
                .where(
                    CriterionResultRow.evaluation_id
                    == select(func.max(EvaluationRow.id)).where(*current).scalar_subquery()
                )
                .order_by(CriterionResultRow.id)
            )
        )
    }
    rates = tuple(
        CriterionRate(c, t, counts.get((c, "pass"), 0), counts.get((c, "fail"), 0), counts.get((c, "n/a"), 0))
        for c, t in sorted(order.items(), key=lambda kv: first_seen.get(kv[0], 10**6))
    )
    return ScoreSummary(
        int(count), None if mean is None else float(mean), int(auto_failed or 0), int(passed or 0), rates
    )
