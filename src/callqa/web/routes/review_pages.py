"""Page forms for the review loop (each posts, then returns to the interaction page) and notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callqa.access.policies import Action
from callqa.review.comments import parse_anchor
from callqa.review.inbox import open_disputes
from callqa.review.models import DisputeRow, ReviewRow
from callqa.review.notifications import mark_read, notifications_for, set_mail_setting, unread_count
from callqa.web import review_actions as act
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.render import render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _back(interaction_id: int) -> Response:
    return RedirectResponse(f"/interactions/{interaction_id}#review", status_code=303)


def _interaction_of(session: DbSession, review_id: int) -> int:
    review = session.get(ReviewRow, review_id)
    return review.interaction_id if review else 0


@router.post("/interactions/{interaction_id}/review", name="review_start")
def start(request: Request, session: DbSession, actor: CurrentActor, interaction_id: RowId) -> Response:
    act.start(request, session, actor, interaction_id)
    return _back(interaction_id)


@router.post("/reviews/{review_id}/override", name="review_override")
def override(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    review_id: RowId,
    criterion: Text,
    outcome: Text,
    reason: Annotated[str, Form()] = "",
) -> Response:
    review = act.change(request, session, actor, review_id, criterion, outcome, reason)
    return _back(review.interaction_id)


@router.post("/reviews/{review_id}/grade", name="review_grade")
async def grade(request: Request, session: DbSession, actor: CurrentActor, review_id: RowId) -> Response:
    """The grading form without JavaScript: every criterion's outcome (``o:<id>``), its comment
    (``n:<id>``) and the review's comment, saved at once."""
    form = await request.form()
    outcomes = {k[2:]: str(v) for k, v in form.items() if k.startswith("o:")}
    comments = {k[2:]: str(v) for k, v in form.items() if k.startswith("n:")}
    comment = form.get("comment")
    review, _ = act.grade_all(
        request, session, actor, review_id, outcomes, comments, None if comment is None else str(comment)
    )
    return _back(review.interaction_id)


@router.post("/reviews/{review_id}/comments", name="review_comment")
def comment(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    review_id: RowId,
    text: Annotated[str, Form(max_length=4000)] = "",
    turn: Annotated[str, Form(max_length=12)] = "",
    at: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """A comment on a turn and/or at a time of the recording (``at`` as m:ss), from the transcript."""
    with refusals():
        anchor = parse_anchor(review_id, turn, at)
    act.comment(request, session, actor, review_id, text, *anchor)
    where = f"turn-{anchor[0]}" if anchor[0] is not None else "transcript"
    return RedirectResponse(f"/interactions/{_interaction_of(session, review_id)}#{where}", status_code=303)


@router.post("/reviews/{review_id}/share", name="review_share")
def share(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    review_id: RowId,
    comment: Annotated[str, Form()] = "",
) -> Response:
    review = act.share(request, session, actor, review_id, comment)
    return _back(review.interaction_id)


@router.post("/reviews/{review_id}/self-evaluation", name="review_self_evaluation")
async def self_evaluation(
    request: Request, session: DbSession, actor: CurrentActor, review_id: RowId
) -> Response:
    form = await request.form()
    outcomes = {k[2:]: str(v) for k, v in form.items() if k.startswith("c:")}
    comment = str(form.get("comment") or "")
    review = act.self_evaluate(request, session, actor, review_id, outcomes, comment)
    return _back(review.interaction_id)


@router.post("/reviews/{review_id}/acknowledge", name="review_acknowledge")
def acknowledge(request: Request, session: DbSession, actor: CurrentActor, review_id: RowId) -> Response:
    review = act.acknowledge(request, session, actor, review_id)
    return _back(review.interaction_id)


@router.post("/reviews/{review_id}/dispute", name="review_dispute")
def dispute(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    review_id: RowId,
    criterion: Text,
    requested: Text,
    comment: Annotated[str, Form()] = "",
) -> Response:
    act.dispute(request, session, actor, review_id, criterion, requested, comment)
    return _back(_interaction_of(session, review_id))


@router.post("/disputes/{dispute_id}/resolve", name="dispute_resolve")
def resolve(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    dispute_id: RowId,
    decision: Text,
    resolution: Annotated[str, Form()] = "",
) -> Response:
    row: DisputeRow = act.resolve(request, session, actor, dispute_id, decision == "uphold", resolution)
    return _back(_interaction_of(session, row.review_id))


@router.post("/reviews/{review_id}/finalize", name="review_finalize")
def finalize(request: Request, session: DbSession, actor: CurrentActor, review_id: RowId) -> Response:
    review = act.finalize(request, session, actor, review_id)
    return _back(review.interaction_id)


@router.get("/notifications", name="notifications_page")
def notifications(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    items = notifications_for(session, actor.user_id)
    # opening the page reads what it shows (still marked new on this view, read on the next)
    mark_read(session, actor.user_id, [n.id for n in items if not n.read])
    context = {"items": items, "unread": unread_count(session, actor.user_id)}  # the header's count, after
    return render(request, "notifications.html", context)


@router.post("/notifications/read", name="notifications_read")
def read_all(session: DbSession, actor: CurrentActor) -> Response:
    mark_read(session, actor.user_id)
    return RedirectResponse("/notifications", status_code=303)


@router.get("/disputes", name="disputes_page")
def disputes(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The supervisor's disputes inbox: open disputes of their teams, oldest first, overdue ones marked."""
    require(actor, Action.DISPUTE_INBOX)
    target = request.app.state.settings.dispute_target_days
    items = open_disputes(session, actor, target_days=target)
    return render(request, "disputes.html", {"items": items, "target_days": target})


@router.post("/me/notification-mail", name="notification_mail")
def notification_mail(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    address: Annotated[str, Form(max_length=320)] = "",
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    """Opt in to (or out of) notifications by e-mail, from the profile page."""
    require(actor, Action.NOTIFICATION_READ)
    with refusals():
        set_mail_setting(session, actor.user_id, address=address, enabled=enabled)
    audit(request, session, actor, "update", "notification_mail", actor.user_id, {"enabled": enabled})
    return RedirectResponse("/me#notification-mail", status_code=303)
