"""The agent's quality monitoring file (seed 004): every review, dispute and coaching talk on one timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.coaching.service import Coaching
from callqa.interactions.convert import as_utc
from callqa.interactions.models import InteractionRow
from callqa.review.models import DisputeRow, ReviewRow
from callqa.scoring.models import EvaluationRow


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # review | dispute | dispute_resolved | coaching | coaching_acknowledged | follow_up
    text: str
    link: str | None


def _at(value: datetime | None) -> datetime:
    converted = as_utc(value)
    assert converted is not None
    return converted


def timeline(session: Session, agent_name: str, coaching: list[Coaching]) -> list[Entry]:
    """Newest first: shared reviews of the agent's work, disputes and their outcome, coaching, follow-ups."""
    entries: list[Entry] = []
    reviews = session.execute(
        select(ReviewRow, InteractionRow.external_id)
        .join(InteractionRow, InteractionRow.id == ReviewRow.interaction_id)
        .where(InteractionRow.agent == agent_name, ReviewRow.state != "draft")
    ).all()
    for review, external_id in reviews:
        link = f"/interactions/{review.interaction_id}#review"
        score = "–" if review.score is None else f"{review.score:.0f}"
        entries.append(
            Entry(
                _at(review.shared_at or review.updated_at),
                "review",
                f"{external_id} reviewed: {score} ({review.state})",
                link,
            )
        )
    review_ids = {r.id: (r.interaction_id, e) for r, e in reviews}
    for d in session.scalars(select(DisputeRow).where(DisputeRow.review_id.in_(list(review_ids)))):
        interaction_id, external_id = review_ids[d.review_id]
        link = f"/interactions/{interaction_id}#review"
        entries.append(
            Entry(
                _at(d.created_at), "dispute", f"disputed '{d.criterion}' on {external_id}: {d.comment}", link
            )
        )
        if d.resolved_at is not None:
            entries.append(
                Entry(
                    _at(d.resolved_at),
                    "dispute_resolved",
                    f"dispute of '{d.criterion}' {d.state}: {d.resolution}",
                    link,
                )
            )
    for c in coaching:
        anchor = f"#coaching-{c.id}"
        entries.append(
            Entry(_at(c.created_at), "coaching", f"coaching by {c.coach or '–'}: {c.title}", anchor)
        )
        if c.acknowledged_at is not None:
            entries.append(
                Entry(_at(c.acknowledged_at), "coaching_acknowledged", f"acknowledged: {c.title}", anchor)
            )
        if c.followed_up_at is not None:
            entries.append(
                Entry(
                    _at(c.followed_up_at),
                    "follow_up",
                    f"follow-up of {c.title}: {c.follow_up_result}",
                    anchor,
                )
            )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def score_summary(session: Session, agent_name: str) -> tuple[int, float | None]:
    """How many current evaluations the agent has, and their mean score."""
    count, mean = session.execute(
        select(func.count(EvaluationRow.id), func.avg(EvaluationRow.score))
        .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
        .where(InteractionRow.agent == agent_name, EvaluationRow.is_current.is_(True))
    ).one()
    return int(count), None if mean is None else round(float(mean), 1)
