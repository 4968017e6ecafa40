"""``callqa list``: stored interactions newest first (as the web lists them), each with the AI's score and
the official one of its current evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.interactions.convert import as_utc
from callqa.interactions.models import InteractionRow
from callqa.interactions.queries import InteractionSummary, interaction_conditions
from callqa.scoring.models import EvaluationRow
from callqa.views.search import current_evaluation


@dataclass(frozen=True)
class ListedInteraction(InteractionSummary):
    score: float | None  # what the AI scored
    final_score: float | None  # the official score: a shared review's where there is one, else the AI's
    review_state: str | None


def listed_interactions(
    session: Session, query: InteractionQuery, *, limit: int | None = 50, offset: int = 0
) -> list[ListedInteraction]:
    """Interactions matching ``query``'s fields about the interaction, newest first (start, then id)."""
    i = InteractionRow
    chosen = (
        select(
            i.id,
            i.external_id,
            i.source,
            i.channel,
            i.direction,
            i.language,
            i.agent,
            i.team,
            i.queue,
            i.started_at,
            i.duration_ms,
            i.turn_count,
            i.csat,
            i.nps,
            EvaluationRow.ai_score,
            EvaluationRow.score,
            EvaluationRow.review_state,
        )
        .outerjoin(EvaluationRow, current_evaluation(query))
        .where(*interaction_conditions(query))
        .order_by(i.started_at.desc().nulls_last(), i.id.desc())
        .offset(offset)
    )
    if limit is not None:
        chosen = chosen.limit(limit)
    return [
        ListedInteraction(
            id=r.id,
            external_id=r.external_id,
            source=r.source,
            channel=r.channel,
            direction=r.direction,
            language=r.language,
            agent=r.agent,
            team=r.team,
            queue=r.queue,
            started_at=as_utc(r.started_at),
            duration_ms=r.duration_ms,
            turns=r.turn_count,
            csat=r.csat,
            nps=r.nps,
            score=r.ai_score,
            final_score=r.score,
            review_state=r.review_state,
        )
        for r in session.execute(chosen)
    ]
