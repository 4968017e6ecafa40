"""Each review step as load → authorize → service → audit, shared by the API and the page forms."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, sees_review
from callqa.core.errors import ErrorCode
from callqa.review import service
from callqa.review.comments import add_comment
from callqa.review.grading import Graded, grade
from callqa.review.models import DisputeRow, ReviewCommentRow, ReviewRow
from callqa.scoring.models import EvaluationRow
from callqa.users.schemas import Actor
from callqa.views.review import interaction_owner
from callqa.web.deps import audit, refusals, require

_CONFLICTS = (ErrorCode.R100, ErrorCode.R101, ErrorCode.R106)


def _owner(session: Session, interaction_id: int) -> Owner:
    owner = interaction_owner(session, interaction_id)
    if owner is None:
        raise HTTPException(404, "not found")
    return owner


def load_review(session: Session, actor: Actor, review_id: int) -> tuple[ReviewRow, Owner]:
    """The review and whose work it is; 404 when missing or not visible to the actor."""
    review = session.get(ReviewRow, review_id)
    if review is None:
        raise HTTPException(404, "not found")
    owner = _owner(session, review.interaction_id)
    if not sees_review(actor, owner, review.state):
        raise HTTPException(404, "not found")
    return review, owner


def self_evaluate(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: int,
    outcomes: dict[str, str],
    comment: str | None,
) -> ReviewRow:
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.REVIEW_RESPOND, owner)
    with refusals(_CONFLICTS):
        service.self_evaluate(session, review, user_id=actor.user_id, outcomes=outcomes, comment=comment)
    audit(request, session, actor, "self_evaluate", "review", review.id)
    return review


def start(request: Request, session: Session, actor: Actor, interaction_id: int) -> ReviewRow:
    require(actor, Action.INTERACTION_VIEW, _owner(session, interaction_id), hide=True)
    require(actor, Action.EVALUATION_REVIEW)
    evaluation = (
        session.query(EvaluationRow).filter_by(interaction_id=interaction_id, is_current=True).first()
    )
    if evaluation is None:
        raise HTTPException(409, "this interaction has no evaluation to review; score it first")
    with refusals(_CONFLICTS):
        review = service.start_review(session, evaluation.id, actor.user_id)
    audit(request, session, actor, "start", "review", review.id, {"interaction": interaction_id})
    return review


def change(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: int,
    criterion: str,
    outcome: str,
    reason: str,
) -> ReviewRow:
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.EVALUATION_REVIEW, owner)
    with refusals(_CONFLICTS):
        service.override(
            session, review, criterion=criterion, outcome=outcome, reason=reason, user_id=actor.user_id
        )
    audit(
        request, session, actor, "override", "review", review.id, {"criterion": criterion, "outcome": outcome}
    )
    return review


def grade_all(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: int,
    outcomes: dict[str, str],
    comments: dict[str, str],
    comment: str | None,
) -> tuple[ReviewRow, Graded]:
    """The grading form saved at once: each changed criterion is audited as an override, as before."""
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.EVALUATION_REVIEW, owner)
    with refusals(_CONFLICTS):
        graded = grade(
            session, review, outcomes=outcomes, comments=comments, comment=comment, user_id=actor.user_id
        )
    for criterion in graded.changed:
        detail = {"criterion": criterion, "outcome": outcomes[criterion]}
        audit(request, session, actor, "override", "review", review.id, detail)
    saved = {"changed": graded.changed, "commented": graded.commented, "comment": graded.comment_changed}
    audit(request, session, actor, "grade", "review", review.id, saved)
    return review, graded


def comment(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: int,
    text: str,
    turn: int | None,
    at_ms: int | None,
) -> ReviewCommentRow:
    """A reviewer's comment anchored to a transcript turn and/or a time in the recording."""
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.EVALUATION_REVIEW, owner)
    with refusals(_CONFLICTS):
        row = add_comment(session, review, text=text, user_id=actor.user_id, turn=turn, at_ms=at_ms)
    audit(request, session, actor, "comment", "review", review.id, {"turn": turn, "at_ms": at_ms})
    return row


def share(request: Request, session: Session, actor: Actor, review_id: int, comment: str | None) -> ReviewRow:
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.EVALUATION_REVIEW, owner)
    with refusals(_CONFLICTS):
        service.share(session, review, comment=comment)
    audit(request, session, actor, "share", "review", review.id)
    return review


def acknowledge(request: Request, session: Session, actor: Actor, review_id: int) -> ReviewRow:
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.REVIEW_RESPOND, owner)
    with refusals(_CONFLICTS):
        service.acknowledge(session, review, user_id=actor.user_id)
    audit(request, session, actor, "acknowledge", "review", review.id)
    return review


def dispute(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: int,
    criterion: str,
    requested: str,
    comment: str,
) -> DisputeRow:
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.REVIEW_RESPOND, owner)
    with refusals(_CONFLICTS):
        row = service.open_dispute(
            session, review, criterion=criterion, requested=requested, comment=comment, agent_id=actor.user_id
        )
    audit(request, session, actor, "dispute", "review", review.id, {"criterion": criterion})
    return row


def resolve(
    request: Request, session: Session, actor: Actor, dispute_id: int, upheld: bool, resolution: str
) -> DisputeRow:
    row = session.get(DisputeRow, dispute_id)
    if row is None:
        raise HTTPException(404, "not found")
    _, owner = load_review(session, actor, row.review_id)
    require(actor, Action.DISPUTE_RESOLVE, owner)
    with refusals(_CONFLICTS):
        service.resolve_dispute(session, row, upheld=upheld, resolution=resolution, resolver_id=actor.user_id)
    audit(request, session, actor, "resolve", "dispute", row.id, {"upheld": upheld})
    return row


def finalize(request: Request, session: Session, actor: Actor, review_id: int) -> ReviewRow:
    review, owner = load_review(session, actor, review_id)
    require(actor, Action.REVIEW_FINALIZE, owner)
    with refusals(_CONFLICTS):
        service.finalize(session, review)
    audit(request, session, actor, "finalize", "review", review.id)
    return review
