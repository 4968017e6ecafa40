"""REST API of recording-analysis classes: the playlist, its states, revealing notes, comments, and
promoting an answer to the knowledge base."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.interactions.models import InteractionRow
from callqa.training import class_comments, classes
from callqa.training.class_comments import Comment
from callqa.training.models import ClassItemRow, TrainingClassRow
from callqa.users.schemas import Actor, Name
from callqa.web.class_access import ItemNo, attended_class, class_refusals, run_class
from callqa.web.deps import CurrentActor, DbSession, Position, RowId, audit, require

api = APIRouter(prefix="/api", tags=["training classes"])


class ClassIn(BaseModel):
    title: Name
    team: Name | None = Field(None, description="the team attending; none: the whole centre")
    scheduled_for: datetime | None = None

    @field_validator("scheduled_for")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1970 <= value.year <= 2999:
            raise ValueError("a date between 1970 and 2999 is needed")
        return value


class MomentIn(BaseModel):
    label: str = Field(min_length=1, max_length=classes.MAX_LABEL)
    turn: Position | None = Field(None, description="a transcript turn (0-based index)")
    ms: Position | None = Field(None, description="a time in the recording (milliseconds)")


class ItemIn(BaseModel):
    interaction: str = Field(min_length=1, max_length=512, description="the interaction's id or external id")
    moments: list[MomentIn] = Field(default_factory=list, max_length=50)
    notes: str = Field(
        "", max_length=classes.MAX_NOTES, description="the analyst's notes, hidden until revealed"
    )


class OrderIn(BaseModel):
    order: list[Position] = Field(
        max_length=500, description="every item's current position, in the new order"
    )


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=class_comments.MAX_COMMENT)
    turn: Position | None = None


class PromoteIn(BaseModel):
    title: str | None = Field(None, max_length=255, description="default: from the class item and criterion")
    criterion: str | None = Field(None, max_length=255, description="the criterion discussed (for the title)")


def item_json(
    session: Session, actor: Actor, cls: TrainingClassRow, owner: Owner, item: ClassItemRow
) -> dict[str, Any]:
    external = session.scalar(
        select(InteractionRow.external_id).where(InteractionRow.id == item.interaction_id)
    )
    return {
        "position": item.position,
        "interaction_id": item.interaction_id,
        "external_id": external,
        "moments": item.moments,
        "notes": classes.notes_for(actor, cls, item, owner),
        "revealed_at": item.revealed_at.isoformat() if item.revealed_at else None,
    }


def class_json(session: Session, actor: Actor, cls: TrainingClassRow, *, items: bool) -> dict[str, Any]:
    owner = classes.owner_of(session, cls)
    out: dict[str, Any] = {
        "id": cls.id,
        "title": cls.title,
        "team": owner.team,
        "state": cls.state,
        "scheduled_for": cls.scheduled_for.isoformat() if cls.scheduled_for else None,
        "held_at": cls.held_at.isoformat() if cls.held_at else None,
        "created_at": cls.created_at.isoformat(),
        "can_run": allowed(actor, Action.CLASS_RUN, owner),
    }
    if items:
        out["items"] = [item_json(session, actor, cls, owner, i) for i in classes.items_of(session, cls)]
    return out


def comment_json(c: Comment) -> dict[str, Any]:
    return {
        "id": c.id,
        "item": c.item,
        "author": c.author,
        "text": c.text,
        "turn": c.turn,
        "created_at": c.at.isoformat(),
        "article_id": c.article_id,
    }


@api.get("/classes")
def list_classes(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The classes the caller sees: staff all, supervisors their teams', agents their team's running and
    held ones (and the whole centre's)."""
    require(actor, Action.CLASS_VIEW)
    return [class_json(session, actor, c, items=False) for c in classes.visible_classes(session, actor)]


@api.post("/classes", status_code=201)
def create_class(request: Request, session: DbSession, actor: CurrentActor, body: ClassIn) -> dict[str, Any]:
    """A new draft class for a team (supervisors their teams, analysts and admins any or the whole centre)."""
    require(actor, Action.CLASS_RUN)
    with class_refusals():
        row = classes.create_class(
            session, actor, title=body.title, team=body.team, scheduled_for=body.scheduled_for
        )
    return class_json(session, actor, row, items=True)


@api.get("/classes/{class_id}")
def get_class(session: DbSession, actor: CurrentActor, class_id: RowId) -> dict[str, Any]:
    """The class and its items; an item's notes are null for attendees until revealed."""
    row, _ = attended_class(session, actor, class_id)
    return class_json(session, actor, row, items=True)


@api.get("/classes/{class_id}/items")
def list_items(session: DbSession, actor: CurrentActor, class_id: RowId) -> list[dict[str, Any]]:
    row, owner = attended_class(session, actor, class_id)
    return [item_json(session, actor, row, owner, i) for i in classes.items_of(session, row)]


@api.post("/classes/{class_id}/items", status_code=201)
def add_item(
    request: Request, session: DbSession, actor: CurrentActor, class_id: RowId, body: ItemIn
) -> dict[str, Any]:
    """Add an interaction (one the caller may see) with its moments and notes at the end of the playlist."""
    row, owner = run_class(session, actor, class_id)
    moments = [classes.Moment(m.label, m.turn, m.ms) for m in body.moments]
    with class_refusals():
        item = classes.add_item(session, actor, row, body.interaction, moments=moments, notes=body.notes)
    return item_json(session, actor, row, owner, item)


@api.put("/classes/{class_id}/items")
def reorder_items(
    session: DbSession, actor: CurrentActor, class_id: RowId, body: OrderIn
) -> list[dict[str, Any]]:
    row, owner = run_class(session, actor, class_id)
    with class_refusals():
        items = classes.reorder(session, actor, row, body.order)
    return [item_json(session, actor, row, owner, i) for i in items]


@api.delete("/classes/{class_id}/items/{item}", status_code=204)
def remove_item(session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo) -> None:
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.remove_item(session, actor, row, item)


@api.post("/classes/{class_id}/start")
def start_class(session: DbSession, actor: CurrentActor, class_id: RowId) -> dict[str, Any]:
    """draft → running: the team's agents see it."""
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.start(session, actor, row)
    return class_json(session, actor, row, items=False)


@api.post("/classes/{class_id}/finish")
def finish_class(session: DbSession, actor: CurrentActor, class_id: RowId) -> dict[str, Any]:
    """running → held."""
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        classes.finish(session, actor, row)
    return class_json(session, actor, row, items=False)


@api.post("/classes/{class_id}/items/{item}/reveal")
def reveal_notes(session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo) -> dict[str, Any]:
    """Show the item's notes to the attendees."""
    row, owner = run_class(session, actor, class_id)
    with class_refusals():
        revealed = classes.reveal(session, actor, row, item)
    return item_json(session, actor, row, owner, revealed)


@api.get("/classes/{class_id}/items/{item}/comments")
def list_comments(
    session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo
) -> list[dict[str, Any]]:
    row, _ = attended_class(session, actor, class_id)
    with class_refusals():
        classes.get_item(session, row, item)
    return [comment_json(c) for c in class_comments.comments_of(session, row, item)]


@api.post("/classes/{class_id}/items/{item}/comments", status_code=201)
def add_comment(
    session: DbSession, actor: CurrentActor, class_id: RowId, item: ItemNo, body: CommentIn
) -> dict[str, Any]:
    """An attendee's comment (redacted before it is stored), optionally on one turn."""
    row, _ = attended_class(session, actor, class_id)
    with class_refusals():
        stored = class_comments.add_comment(session, actor, row, item, body.text, turn=body.turn)
    return comment_json(next(c for c in class_comments.comments_of(session, row, item) if c.id == stored.id))


@api.post("/classes/{class_id}/items/{item}/comments/{comment_id}/promote", status_code=201)
def promote_comment(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    class_id: RowId,
    item: ItemNo,
    comment_id: RowId,
    body: PromoteIn,
) -> dict[str, Any]:
    """Make a knowledge-base article of the comment (source: the item's interaction, the comment's turn)."""
    row, _ = run_class(session, actor, class_id)
    with class_refusals():
        on = class_comments.comment_item(session, row, comment_id)
        if on.position != item:
            raise HTTPException(404, "not found")
    require_promote(session, actor, on.interaction_id)
    with class_refusals():
        article = class_comments.promote_comment(
            session, actor, row, comment_id, title=body.title, criterion=body.criterion
        )
    audit(
        request, session, actor, "promote", "kb_article", article.id, {"class": row.id, "comment": comment_id}
    )
    return {
        "article_id": article.id,
        "title": article.title,
        "body": article.body,
        "source_interaction_id": article.source_interaction_id,
        "source_turn": article.source_turn,
    }


def require_promote(session: Session, actor: Actor, interaction_id: int) -> None:
    """Promoting needs KNOWLEDGE_PROMOTE on the interaction's work as well as running the class."""
    found = session.get(InteractionRow, interaction_id)
    owner = Owner(agent=found.agent, team=found.team) if found else None
    require(actor, Action.KNOWLEDGE_PROMOTE, owner)
