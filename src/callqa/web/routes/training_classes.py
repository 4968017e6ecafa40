"""Pages of recording-analysis classes: the list, the editor, the presenter view (audio, transcript with
the moments to discuss, evidence, notes revealed on demand) and the attendees' view (comments)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from callqa.access.policies import Action, allowed
from callqa.interactions.queries import get_interaction
from callqa.training import class_comments, classes
from callqa.users.models import TeamRow
from callqa.users.schemas import UserRole
from callqa.views.class_item import class_item_view
from callqa.web.blob_response import blob_response, open_blob
from callqa.web.class_access import ItemNo, attended_class, class_refusals, run_class
from callqa.web.deps import MAX_INT32, CurrentActor, DbSession, RowId, audit
from callqa.web.render import render
from callqa.web.routes.api_classes import require_promote

pages = APIRouter(include_in_schema=False)
ItemQuery = Annotated[int, Query(ge=1, le=MAX_INT32)]
TurnField = Annotated[str, Form(max_length=12)]


def _back(class_id: int, view: str, item: int | None = None) -> RedirectResponse:
    path = f"/training/classes/{class_id}" + ("" if view == "attend" else f"/{view}")
    return RedirectResponse(path + (f"?item={item}" if item else ""), status_code=303)


def _turn(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_INT32:
        raise HTTPException(422, f"turn: '{value}' is not a turn number")
    return int(value)


@pages.get("/training/classes", name="classes_page")
def classes_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    rows = classes.visible_classes(session, actor)
    can_create = actor.role is not UserRole.AGENT
    teams = sorted(session.scalars(select(TeamRow.name)))
    if actor.role is UserRole.SUPERVISOR:
        teams = [t for t in teams if t in actor.led_teams]
    listed = [(c, classes.owner_of(session, c)) for c in rows]
    context = {
        "listed": [(c, o.team, allowed(actor, Action.CLASS_RUN, o)) for c, o in listed],
        "can_create": can_create,
        "teams": teams,
        "centre": actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST),
    }
    return render(request, "training/classes.html", context)


@pages.post("/training/classes", name="classes_create")
def classes_create(
    session: DbSession,
    actor: CurrentActor,
    title: Annotated[str, Form(max_length=255)],
    team: Annotated[str, Form(max_length=255)] = "",
    scheduled_for: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    when = None
    if scheduled_for.strip():
        try:
            when = datetime.fromisoformat(scheduled_for.strip())
            if not 1970 <= when.year <= 2999:
                raise ValueError(scheduled_for)
        except ValueError as exc:
            raise HTTPException(422, f"scheduled_for: '{scheduled_for}' is not a date and time") from exc
    with class_refusals():
        row = classes.create_class(session, actor, title=title, team=team or None, scheduled_for=when)
    return _back(row.id, "edit")


@pages.get("/training/classes/{class_id}/edit", name="class_edit")
def class_edit(request: Request, session: DbSession, actor: CurrentActor, class_id: RowId) -> Response:
    row, owner = run_class(session, actor, class_id)
    items = classes.items_of(session, row)
    context = {
        "cls": row,
        "team": owner.team,
        "items": [(i, get_interaction(session, i.interaction_id).doc) for i in items],
    }
    return render(request, "training/class_edit.html", context)


@pages.post("/training/classes/{class_id}/items", name="class_add_item")
def class_add_item(
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    interaction: Annotated[str, Form(max_length=512)],
    moments: Annotated[str, Form(max_length=10_000)] = "",
    notes: Annotated[str, Form(max_length=classes.MAX_NOTES)] = "",
) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        position = len(classes.items_of(session, row)) + 1
        parsed = classes.parse_moments(row.id, position, moments)
        classes.add_item(session, actor, row, interaction, moments=parsed, notes=notes)
    return _back(class_id, "edit")


@pages.post("/training/classes/{class_id}/items/{item}/edit", name="class_update_item")
def class_update_item(
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    item: ItemNo,
    moments: Annotated[str, Form(max_length=10_000)] = "",
    notes: Annotated[str, Form(max_length=classes.MAX_NOTES)] = "",
) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        parsed = classes.parse_moments(row.id, item, moments)
        classes.update_item(session, actor, row, item, moments=parsed, notes=notes)
    return _back(class_id, "edit")


@pages.post("/training/classes/{class_id}/items/{item}/move", name="class_move_item")
def class_move_item(
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    item: ItemNo,
    by: Annotated[int, Form(ge=-1, le=1)],
) -> Response:
    row, _ = run_class(session, actor, class_id)
    order = [i.position for i in classes.items_of(session, row)]
    if item in order and 0 <= item - 1 + by < len(order):
        order[item - 1], order[item - 1 + by] = order[item - 1 + by], order[item - 1]
        with class_refusals():
            classes.reorder(session, actor, row, order)
    return _back(class_id, "edit")


@pages.post("/training/classes/{class_id}/items/{item}/remove", name="class_remove_item")
def class_remove_item(session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.remove_item(session, actor, row, item)
    return _back(class_id, "edit")


@pages.post("/training/classes/{class_id}/start", name="class_start")
def class_start(session: DbSession, actor: CurrentActor, class_id: RowId) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.start(session, actor, row)
    return _back(class_id, "present", 1)


@pages.post("/training/classes/{class_id}/finish", name="class_finish")
def class_finish(session: DbSession, actor: CurrentActor, class_id: RowId) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.finish(session, actor, row)
    return RedirectResponse("/training/classes", status_code=303)


def _item_page(
    request: Request, session: DbSession, actor: CurrentActor, class_id: int, item: int, presenting: bool
) -> Response:
    row, owner = (run_class if presenting else attended_class)(session, actor, class_id)
    with class_refusals():
        shown = class_item_view(session, actor, row, owner, item)
    audit(
        request,
        session,
        actor,
        "present" if presenting else "attend",
        "training_class",
        row.id,
        {"item": item},
    )
    doc = shown.view.stored.doc
    context = {
        "shown": shown,
        "doc": doc,
        "presenting": presenting,
        "can_run": allowed(actor, Action.CLASS_RUN, owner),
        "audio": f"/training/classes/{row.id}/items/{item}/audio" if doc.recording else None,
    }
    return render(request, "training/class_item.html", context)


@pages.get("/training/classes/{class_id}/present", name="class_present")
def class_present(
    request: Request, session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemQuery = 1
) -> Response:
    return _item_page(request, session, actor, class_id, item, presenting=True)


@pages.get("/training/classes/{class_id}", name="class_attend")
def class_attend(
    request: Request, session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemQuery = 1
) -> Response:
    return _item_page(request, session, actor, class_id, item, presenting=False)


@pages.get("/training/classes/{class_id}/items/{item}/audio", name="class_audio")
def class_audio(
    request: Request, session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo
) -> Response:
    """The item's (redacted) recording, for the class's attendees: the class shares it with its team."""
    row, _ = attended_class(session, actor, class_id)
    with class_refusals():
        interaction_id = classes.get_item(session, row, item).interaction_id
    recording = get_interaction(session, interaction_id).doc.recording
    if recording is None:
        raise HTTPException(404, "this interaction has no recording")
    audit(request, session, actor, "listen", "interaction", interaction_id, {"class": row.id})
    blob = open_blob(request.app.state.runtime.files, recording.uri)
    return blob_response(request, blob, recording.media_type)


@pages.post("/training/classes/{class_id}/items/{item}/reveal", name="class_reveal")
def class_reveal(session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.reveal(session, actor, row, item)
    return _back(class_id, "present", item)


@pages.post("/training/classes/{class_id}/items/{item}/comments", name="class_comment")
def class_comment(
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    item: ItemNo,
    text: Annotated[str, Form(max_length=class_comments.MAX_COMMENT)],
    turn: TurnField = "",
    back: Annotated[str, Form(pattern="^(attend|present)$")] = "attend",
) -> Response:
    row, _ = attended_class(session, actor, class_id)
    with class_refusals():
        class_comments.add_comment(session, actor, row, item, text, turn=_turn(turn))
    return _back(class_id, back, item)


@pages.post("/training/classes/{class_id}/items/{item}/comments/{comment_id}/promote", name="class_promote")
def class_promote(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    item: ItemNo,
    comment_id: RowId,
    title: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        on = class_comments.comment_item(session, row, comment_id)
    if on.position != item:
        raise HTTPException(404, "not found")
    require_promote(session, actor, on.interaction_id)
    with class_refusals():
        article = class_comments.promote_comment(session, actor, row, comment_id, title=title)
    audit(
        request, session, actor, "promote", "kb_article", article.id, {"class": row.id, "comment": comment_id}
    )
    return _back(class_id, "present", item)


@pages.post("/training/classes/{class_id}/items/{item}/promote-turn", name="class_promote_turn")
def class_promote_turn(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    item: ItemNo,
    turn: Annotated[int, Form(ge=0, le=MAX_INT32)],
    title: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        interaction_id = classes.get_item(session, row, item).interaction_id
    require_promote(session, actor, interaction_id)
    with class_refusals():
        article = class_comments.promote_turn(session, actor, row, item, turn, title=title)
    audit(request, session, actor, "promote", "kb_article", article.id, {"class": row.id, "turn": turn})
    return _back(class_id, "present", item)
