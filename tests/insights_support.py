"""Constructed scored interactions for insights tests: exact rows, so every figure has a known answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import count

from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow

_ids = count(1)


def scorecard(session: Session, name: str = "standard") -> ScorecardRow:
    row = ScorecardRow(
        name=name, version=1, title=name, content_hash=name, source="", created_at=datetime.now(UTC)
    )
    session.add(row)
    session.flush()
    return row


def add(
    session: Session,
    card: ScorecardRow,
    started_at: datetime,
    *,
    score: float | None = None,
    criteria: Mapping[str, str] | None = None,  # criterion → pass | fail | n/a
    auto_failed: bool = False,
    team: str | None = "North",
    agent: str | None = "ann",
    channel: str = "voice",
    language: str = "en",
    queue: str | None = "cards",
    customer: str | None = None,
    csat: float | None = None,
    csat_scale: int = 5,
    duration_ms: int | None = 300_000,
) -> int:
    """One interaction (and, when ``score`` is given, its current evaluation); returns its id."""
    n = next(_ids)
    now = datetime.now(UTC)
    row = InteractionRow(
        source="test",
        external_id=f"t-{n}",
        channel=channel,
        direction="inbound",
        agent=agent,
        team=team,
        queue=queue,
        customer=customer,
        started_at=started_at,
        duration_ms=duration_ms,
        language=language,
        csat=csat,
        csat_scale=csat_scale if csat is not None else None,
        meta={},
        turn_count=0,
        content_hash="",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    if score is not None:
        evaluate(session, card, row.id, score, criteria or {}, auto_failed)
    return row.id


def evaluate(
    session: Session,
    card: ScorecardRow,
    interaction_id: int,
    score: float,
    criteria: Mapping[str, str],
    auto_failed: bool = False,
) -> int:
    """A new current evaluation (the previous one kept, as re-scoring does)."""
    for old in session.query(EvaluationRow).filter_by(interaction_id=interaction_id, is_current=True):
        old.is_current = False
    ev = EvaluationRow(
        interaction_id=interaction_id,
        scorecard_id=card.id,
        scorecard_name=card.name,
        engine_version="test",
        pipeline="test",
        interaction_hash="",
        score=score,
        raw_score=score,
        auto_failed=auto_failed,
        passed=score >= 70,
        is_current=True,
        created_at=datetime.now(UTC),
    )
    session.add(ev)
    session.flush()
    for criterion, outcome in criteria.items():
        session.add(
            CriterionResultRow(
                evaluation_id=ev.id,
                criterion=criterion,
                section="s",
                title=criterion.replace("_", " ").capitalize(),
                outcome=outcome,
                confidence=1.0,
                weight=1.0,
                critical=False,
                explanation="",
                evidence=[],
            )
        )
    session.flush()
    return ev.id
