"""The grading form: every criterion's outcome, a comment per criterion and the review's comment, saved at
once. Only the criteria whose outcome changes become review changes (``service.override``, with their
comment as the reason), so the official score, the audit and the notifications follow the review workflow
as before; a comment on an unchanged criterion is kept as a review comment. Everything is checked before
anything is written: a bad value stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.review import service
from callqa.review.comments import clean_text
from callqa.review.models import ReviewCommentRow, ReviewRow
from callqa.review.schemas import OUTCOMES


@dataclass(frozen=True)
class Graded:
    """What a save changed: criteria whose outcome changed, criteria commented, the review's comment."""

    changed: list[str] = field(default_factory=list)
    commented: list[str] = field(default_factory=list)
    comment_changed: bool = False


def _checked(
    review: ReviewRow, current: dict[str, str], outcomes: Mapping[str, str], comments: Mapping[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The criteria that change and each non-empty comment as it will be stored, or the first refusal."""
    known = ", ".join(current)
    for criterion, outcome in [*outcomes.items(), *((c, "pass") for c in comments)]:
        if criterion not in current:
            raise CallqaError(ErrorCode.V121, review=review.id, criterion=criterion, known=known)
        if outcome not in OUTCOMES:
            raise CallqaError(ErrorCode.V120, review=review.id, criterion=criterion, outcome=outcome)
    changed = [c for c in current if c in outcomes and outcomes[c] != current[c]]
    for criterion in changed:
        if len(comments.get(criterion, "").strip()) < service.MIN_REASON:
            raise CallqaError(
                ErrorCode.V122,
                review=review.id,
                criterion=criterion,
                before=current[criterion],
                after=outcomes[criterion],
                minimum=service.MIN_REASON,
            )
    cleaned = {
        c: clean_text(review, text, f"comment on '{c}'") for c, text in comments.items() if text.strip()
    }
    return changed, cleaned


def grade(
    session: Session,
    review: ReviewRow,
    *,
    outcomes: Mapping[str, str],
    comments: Mapping[str, str],
    comment: str | None,
    user_id: int,
) -> Graded:
    """Save the grading form: ``outcomes`` and ``comments`` by criterion id, ``comment`` the review's own
    (None: left as it is; empty: removed)."""
    service.check_editable(review)
    current = {str(c["id"]): str(c["final_outcome"]) for c in service.review_view(session, review).criteria}
    changed, cleaned = _checked(review, current, outcomes, comments)
    overall = comment.strip() if comment is not None else None
    stored = clean_text(review, overall, "review comment") if overall else None
    for criterion in changed:
        service.override(
            session,
            review,
            criterion=criterion,
            outcome=outcomes[criterion],
            reason=cleaned[criterion],
            user_id=user_id,
        )
    noted = [c for c in current if c in cleaned and c not in changed]
    for criterion in noted:
        session.add(
            ReviewCommentRow(
                review_id=review.id,
                criterion=criterion,
                text=cleaned[criterion],
                user_id=user_id,
                created_at=datetime.now(UTC),
            )
        )
    comment_changed = overall is not None and stored != review.comment
    if comment_changed:
        review.comment = stored
        review.updated_at = datetime.now(UTC)
    session.flush()
    return Graded(changed, [c for c in current if c in cleaned], comment_changed)
