"""Reviewers' comments: on a criterion, on a transcript turn, at a time in the recording.

Comment text goes through the privacy redactor before it is stored (a card number typed into a comment is
never stored); a comment is seen by whoever may see its review (drafts: reviewers only).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.privacy.redact import redact_text
from callqa.review.models import ReviewCommentRow, ReviewRow
from callqa.review.schemas import Comment
from callqa.users.models import UserRow

MAX_COMMENT = 2000
_POSITION = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)$")  # [[h:]m:]s


def clean_text(review: ReviewRow, text: str, what: str) -> str:
    """The comment as stored: stripped, within the limit (else V123), with sensitive data redacted."""
    stripped = text.strip()
    if not 0 < len(stripped) <= MAX_COMMENT:
        raise CallqaError(
            ErrorCode.V123, review=review.id, what=what, length=len(stripped), limit=MAX_COMMENT
        )
    return redact_text(stripped).text


def parse_position(review_id: int, value: str) -> int:
    """A position typed as ``m:ss``, ``h:mm:ss`` or seconds, in milliseconds (V125 when it is none)."""
    match = _POSITION.match(value.strip())
    if match is None:
        raise CallqaError(ErrorCode.V125, review=review_id, value=value, reason="write it as m:ss or h:mm:ss")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    if (match.group(2) and seconds >= 60) or (match.group(1) and minutes >= 60):
        raise CallqaError(
            ErrorCode.V125, review=review_id, value=value, reason="minutes and seconds run from 0 to 59"
        )
    return round(((hours * 60 + minutes) * 60 + seconds) * 1000)


def parse_anchor(review_id: int, turn: str, at: str) -> tuple[int | None, int | None]:
    """A comment's turn (a 0-based index, V124 when not a number) and time (``m:ss``) as typed in a form;
    empty is none."""
    index = None
    if turn.strip():
        if not turn.strip().isdigit():
            raise CallqaError(ErrorCode.V124, review=review_id, turn=turn, last="…")
        index = int(turn)
    return index, parse_position(review_id, at) if at.strip() else None


def _check_anchor(session: Session, review: ReviewRow, turn: int | None, at_ms: int | None) -> None:
    if turn is not None:
        count = session.scalar(
            select(func.count(TurnRow.id)).where(TurnRow.interaction_id == review.interaction_id)
        )
        if not 0 <= turn < (count or 0):
            raise CallqaError(ErrorCode.V124, review=review.id, turn=turn, last=(count or 1) - 1)
    if at_ms is not None:
        duration = session.scalar(
            select(InteractionRow.duration_ms).where(InteractionRow.id == review.interaction_id)
        )
        if at_ms < 0 or (duration is not None and at_ms > duration):
            raise CallqaError(
                ErrorCode.V125,
                review=review.id,
                value=f"{at_ms} ms",
                reason=f"the recording is {duration or 0} ms long",
            )


def add_comment(
    session: Session,
    review: ReviewRow,
    *,
    text: str,
    user_id: int,
    turn: int | None = None,
    at_ms: int | None = None,
) -> ReviewCommentRow:
    """A comment on the review anchored to a turn and/or a time (checked, then redacted)."""
    _check_anchor(session, review, turn, at_ms)
    row = ReviewCommentRow(
        review_id=review.id,
        turn=turn,
        at_ms=at_ms,
        text=clean_text(review, text, "comment"),
        user_id=user_id,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def comments_of(session: Session, review_id: int) -> list[Comment]:
    """The review's comments, oldest first, with their authors' usernames."""
    rows = session.execute(
        select(ReviewCommentRow, UserRow.username)
        .outerjoin(UserRow, UserRow.id == ReviewCommentRow.user_id)
        .where(ReviewCommentRow.review_id == review_id)
        .order_by(ReviewCommentRow.id)
    )
    return [
        Comment(r.id, r.criterion, r.turn, r.at_ms, r.text, username, r.created_at) for r, username in rows
    ]


def copy_comments(session: Session, old_review_id: int, new_review_id: int) -> None:
    """A carried review keeps the comments of the review it carries (see ``review.carry``)."""
    for r in session.scalars(select(ReviewCommentRow).where(ReviewCommentRow.review_id == old_review_id)):
        session.add(
            ReviewCommentRow(
                review_id=new_review_id,
                criterion=r.criterion,
                turn=r.turn,
                at_ms=r.at_ms,
                text=r.text,
                user_id=r.user_id,
                created_at=r.created_at,
            )
        )
