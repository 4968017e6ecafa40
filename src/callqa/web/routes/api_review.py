"""REST API: reviewing an evaluation, sharing it, the agent's acknowledgement or dispute, resolution;
the caller's notifications."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from callqa.review import service
from callqa.review.models import ReviewRow
from callqa.review.notifications import mark_read, notifications_for, unread_count
from callqa.review.schemas import Outcome
from callqa.views.review import visible_review
from callqa.web import review_actions as act
from callqa.web.deps import BodyId, CurrentActor, DbSession, RowId

router = APIRouter(prefix="/api", tags=["review"])


class OverrideIn(BaseModel):
    criterion: str = Field(description="The criterion id.")
    outcome: Outcome
    reason: str = Field(description="Why (required, at least 5 characters).")


class ShareIn(BaseModel):
    comment: str | None = Field(default=None, description="A note for the agent.")


class DisputeIn(BaseModel):
    criterion: str
    requested: Outcome = Field(description="The outcome the agent asks for.")
    comment: str


class SelfEvaluationIn(BaseModel):
    outcomes: dict[str, Outcome] = Field(description="criterion id → pass | fail | n/a, for every criterion")
    comment: str | None = None


class ResolveIn(BaseModel):
    upheld: bool = Field(description="True: the criterion takes the requested outcome.")
    resolution: str


class ReadIn(BaseModel):
    ids: list[BodyId] | None = Field(
        default=None, max_length=10_000, description="Which to mark read (default: all)."
    )


def _view(session: DbSession, review_id: int) -> dict[str, Any]:
    review = session.get(ReviewRow, review_id)
    assert review is not None
    return service.review_view(session, review).as_json()


@router.get("/interactions/{interaction_id}/review")
def get_review(session: DbSession, actor: CurrentActor, interaction_id: RowId) -> dict[str, Any]:
    """The current review of the interaction (drafts only for reviewers)."""
    view = visible_review(session, actor, interaction_id)
    if view is None:
        raise HTTPException(404, "no review to show")
    return view.as_json()


@router.post("/interactions/{interaction_id}/review", status_code=201)
def start_review(
    request: Request, session: DbSession, actor: CurrentActor, interaction_id: RowId
) -> dict[str, Any]:
    """Start (or return) the review of the current evaluation, pre-filled with the AI's outcomes."""
    return _view(session, act.start(request, session, actor, interaction_id).id)


@router.post("/reviews/{review_id}/overrides")
def override(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId, body: OverrideIn
) -> dict[str, Any]:
    """Change one criterion's outcome with a reason; both the AI's and the new outcome are kept."""
    act.change(request, session, actor, review_id, body.criterion, body.outcome, body.reason)
    return _view(session, review_id)


@router.post("/reviews/{review_id}/share")
def share(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId, body: ShareIn
) -> dict[str, Any]:
    """Share the review with the agent (draft → shared)."""
    act.share(request, session, actor, review_id, body.comment)
    return _view(session, review_id)


@router.post("/reviews/{review_id}/self-evaluation", status_code=201)
def self_evaluation(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId, body: SelfEvaluationIn
) -> dict[str, Any]:
    """The agent grades their own interaction; only then are QA's outcomes shown to them."""
    act.self_evaluate(request, session, actor, review_id, dict(body.outcomes), body.comment)
    return _view(session, review_id)


@router.post("/reviews/{review_id}/acknowledge")
def acknowledge(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId
) -> dict[str, Any]:
    """The agent accepts the shared review of their work."""
    act.acknowledge(request, session, actor, review_id)
    return _view(session, review_id)


@router.post("/reviews/{review_id}/disputes", status_code=201)
def dispute(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId, body: DisputeIn
) -> dict[str, Any]:
    """The agent disputes one criterion of the shared review of their work."""
    act.dispute(request, session, actor, review_id, body.criterion, body.requested, body.comment)
    return _view(session, review_id)


@router.post("/disputes/{dispute_id}/resolve")
def resolve(
    request: Request, session: DbSession, actor: CurrentActor, dispute_id: RowId, body: ResolveIn
) -> dict[str, Any]:
    """A supervisor of the team or an analyst upholds or rejects a dispute."""
    row = act.resolve(request, session, actor, dispute_id, body.upheld, body.resolution)
    return _view(session, row.review_id)


@router.post("/reviews/{review_id}/finalize")
def finalize(request: Request, session: DbSession, actor: CurrentActor, review_id: RowId) -> dict[str, Any]:
    """Close a shared or acknowledged review."""
    act.finalize(request, session, actor, review_id)
    return _view(session, review_id)


@router.get("/notifications")
def notifications(session: DbSession, actor: CurrentActor, unread: bool = False) -> dict[str, Any]:
    """The caller's notifications, newest first."""
    items = notifications_for(session, actor.user_id, unread_only=unread)
    return {
        "unread": unread_count(session, actor.user_id),
        "items": [{**n.__dict__, "created_at": n.created_at.isoformat()} for n in items],
    }


@router.post("/notifications/read")
def read(session: DbSession, actor: CurrentActor, body: ReadIn) -> dict[str, int]:
    """Mark the caller's notifications read."""
    return {"marked": mark_read(session, actor.user_id, body.ids)}
