"""REST API: reviewing an evaluation, sharing it, the agent's acknowledgement or dispute, resolution;
the caller's notifications."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from callqa.access.policies import Action
from callqa.review import service
from callqa.review.inbox import open_disputes
from callqa.review.models import ReviewRow
from callqa.review.notifications import (
    mail_setting,
    mark_read,
    notifications_for,
    set_mail_setting,
    unread_count,
)
from callqa.review.schemas import Outcome
from callqa.views.review import visible_review
from callqa.web import review_actions as act
from callqa.web.deps import (
    MAX_ID,
    BodyId,
    CurrentActor,
    DbSession,
    Position,
    RowId,
    audit,
    refusals,
    require,
)

router = APIRouter(prefix="/api", tags=["review"])


class OverrideIn(BaseModel):
    criterion: str = Field(description="The criterion id.")
    outcome: Outcome
    reason: str = Field(description="Why (required, at least 5 characters).")


class GradeIn(BaseModel):
    outcomes: dict[str, str] = Field(
        default_factory=dict, max_length=1000, description="criterion id → pass | fail | n/a (any subset)"
    )
    comments: dict[str, str] = Field(
        default_factory=dict,
        max_length=1000,
        description="criterion id → comment; the reason (5+ characters) of a criterion whose outcome changes",
    )
    comment: str | None = Field(default=None, description="The review's comment (omit: unchanged).")


class CommentIn(BaseModel):
    text: str = Field(description="The comment (1–2000 characters; sensitive data is redacted).")
    turn: Position | None = Field(default=None, description="The 0-based turn it is about (#turn-N).")
    at_ms: int | None = Field(default=None, ge=0, le=MAX_ID, description="A position in the recording.")


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


@router.post("/reviews/{review_id}/grade")
def grade(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId, body: GradeIn
) -> dict[str, Any]:
    """Save the grading form at once: the criteria whose outcome differs become changes (their comment is
    the reason), comments on unchanged criteria are kept, ``comment`` replaces the review's. Returns the
    review (with ``changed`` and ``commented``); a bad value (V120–V123) stores nothing."""
    _, graded = act.grade_all(
        request, session, actor, review_id, dict(body.outcomes), dict(body.comments), body.comment
    )
    return {**_view(session, review_id), "changed": graded.changed, "commented": graded.commented}


@router.post("/reviews/{review_id}/comments", status_code=201)
def add_comment(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId, body: CommentIn
) -> dict[str, Any]:
    """Comment on a transcript turn and/or a time in the recording (seen by whoever sees the review)."""
    row = act.comment(request, session, actor, review_id, body.text, body.turn, body.at_ms)
    view = _view(session, review_id)
    return next(c for c in view["comments"] if c["id"] == row.id)


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


@router.get("/disputes")
def disputes(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Open disputes in the caller's scope (supervisors: their teams; admins: all), oldest first, with their
    age, due time (``dispute_target_days`` working days) and whether they are overdue."""
    require(actor, Action.DISPUTE_INBOX)
    target = request.app.state.settings.dispute_target_days
    items = open_disputes(session, actor, target_days=target)
    return {
        "target_days": target,
        "overdue": sum(i.overdue for i in items),
        "items": [
            {
                **i.__dict__,
                "opened_at": i.opened_at.isoformat(),
                "due_at": i.due_at.isoformat(),
                "link": i.link,
            }
            for i in items
        ],
    }


class NotificationMailIn(BaseModel):
    address: str = Field(default="", max_length=320, description="Where notifications are e-mailed.")
    enabled: bool = Field(description="Opt in (true) or out (false).")


@router.get("/notifications/mail")
def get_notification_mail(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """The caller's opt-in to e-mailed notifications (``available``: an SMTP server is configured)."""
    row = mail_setting(session, actor.user_id)
    available = request.app.state.settings.smtp_host is not None
    return {
        "address": row.address if row else "",
        "enabled": bool(row and row.enabled),
        "available": available,
    }


@router.put("/notifications/mail")
def put_notification_mail(
    request: Request, session: DbSession, actor: CurrentActor, body: NotificationMailIn
) -> dict[str, Any]:
    """Opt in to (or out of) notifications by e-mail; only those made after opting in are sent."""
    require(actor, Action.NOTIFICATION_READ)
    with refusals():
        set_mail_setting(session, actor.user_id, address=body.address, enabled=body.enabled)
    audit(request, session, actor, "update", "notification_mail", actor.user_id, {"enabled": body.enabled})
    return get_notification_mail(request, session, actor)
