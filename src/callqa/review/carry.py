"""Re-scored interactions keep their people's verdicts.

Re-scoring (a new scorecard version, ``callqa score --rescore``) makes a new evaluation current. When an
earlier evaluation of the same interaction with the same scorecard had a shared review, that review is
carried to the new evaluation: a review in the same state, by the same reviewer, whose outcomes are the
earlier official ones for every criterion still on the scorecard (recorded as changes "carried over from
…" where the AI now decides otherwise), with the agent's self-evaluation and the reviewers' comments; its
score is the official one.
Disputes stay with the review they were raised on. Criteria new to the scorecard keep the AI's outcome.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from callqa.review.comments import copy_comments
from callqa.review.models import OverrideRow, ReviewRow, SelfEvaluationRow
from callqa.review.schemas import ReviewState
from callqa.review.service import refresh_score
from callqa.scoring.models import CriterionResultRow, EvaluationRow


def carry_reviews(session: Session, scorecard: str) -> int:
    """Carry the newest shared review of each re-scored interaction to its current evaluation with
    ``scorecard``; returns how many were carried."""
    current, earlier, own = EvaluationRow, aliased(EvaluationRow), aliased(ReviewRow)
    reviewed_now = select(own.id).where(own.evaluation_id == current.id).correlate(current).exists()
    rows = session.execute(
        select(current.id, ReviewRow)
        .join(
            earlier,
            and_(
                earlier.interaction_id == current.interaction_id,
                earlier.scorecard_name == current.scorecard_name,
                earlier.id < current.id,
            ),
        )
        .join(ReviewRow, ReviewRow.evaluation_id == earlier.id)
        .where(
            current.scorecard_name == scorecard,
            current.is_current.is_(True),
            ReviewRow.state != ReviewState.DRAFT.value,
            ~reviewed_now,
        )
        .order_by(current.id, ReviewRow.id.desc())
    ).all()
    carried = 0
    done: set[int] = set()
    for evaluation_id, review in rows:
        if evaluation_id in done:
            continue  # the newest review only
        done.add(evaluation_id)
        _carry(session, review, evaluation_id)
        carried += 1
    return carried


def _outcomes(session: Session, evaluation_id: int, column: str) -> dict[str, str]:
    r = CriterionResultRow
    rows = session.execute(select(r.criterion, getattr(r, column)).where(r.evaluation_id == evaluation_id))
    return {criterion: str(outcome) for criterion, outcome in rows if outcome is not None}


def _carry(session: Session, old: ReviewRow, evaluation_id: int) -> None:
    now = datetime.now(UTC)
    review = ReviewRow(
        evaluation_id=evaluation_id,
        interaction_id=old.interaction_id,
        reviewer_id=old.reviewer_id,
        state=old.state,
        score=old.score,
        auto_failed=old.auto_failed,
        comment=old.comment,
        created_at=now,
        updated_at=now,
        shared_at=old.shared_at,
        finalized_at=old.finalized_at,
    )
    session.add(review)
    session.flush()
    people = _outcomes(session, old.evaluation_id, "outcome")  # the official outcomes of the old review
    ai = _outcomes(session, evaluation_id, "ai_outcome")
    for criterion, outcome in ai.items():
        if criterion in people and people[criterion] != outcome:
            session.add(
                OverrideRow(
                    review_id=review.id,
                    criterion=criterion,
                    ai_outcome=outcome,
                    outcome=people[criterion],
                    reason=f"carried over from the review of evaluation {old.evaluation_id}",
                    user_id=old.reviewer_id,
                    created_at=now,
                )
            )
    own = session.scalar(select(SelfEvaluationRow).where(SelfEvaluationRow.review_id == old.id))
    if own is not None:
        session.add(
            SelfEvaluationRow(
                review_id=review.id,
                user_id=own.user_id,
                outcomes=dict(own.outcomes),
                comment=own.comment,
                created_at=own.created_at,
            )
        )
    copy_comments(session, old.id, review.id)
    session.flush()
    refresh_score(session, review)
