"""What attendees say about a class item, and promoting a good answer to the knowledge base in one step.

A comment is redacted before it is stored (a card number said in class never lands); promoting a comment
or an agent's turn of the item writes a knowledge-base article that keeps its source interaction and turn,
and the comment keeps the article's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.knowledge.models import ArticleRow
from callqa.knowledge.service import promote_answer, write_article
from callqa.privacy.redact import redact_text
from callqa.training.classes import get_item
from callqa.training.models import ClassCommentRow, ClassItemRow, TrainingClassRow
from callqa.users.models import UserRow
from callqa.users.schemas import Actor

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Comment:
    id: int
    item: int  # the item's position in the class
    author: str
    text: str
    turn: int | None
    at: datetime
    article_id: int | None


def _audit(session: Session, actor: Actor, action: str, cls: TrainingClassRow, **detail: object) -> None:
    record(
        session,
        user_id=actor.user_id or None,
        username=actor.username,
        action=f"class.{action}",
        resource="training_class",
        resource_id=cls.id,
        detail=dict(detail),
    )


def _turns(session: Session, interaction_id: int) -> int:
    count = session.scalar(select(func.count(TurnRow.id)).where(TurnRow.interaction_id == interaction_id))
    return int(count or 0)


def add_comment(
    session: Session,
    actor: Actor,
    cls: TrainingClassRow,
    position: int,
    text: str,
    *,
    turn: int | None = None,
) -> ClassCommentRow:
    """An attendee's comment on an item (optionally on one turn), redacted before it is stored."""
    if cls.state == "draft":
        raise CallqaError(ErrorCode.T163, cls=cls.id, state=cls.state, reason="comments open when it starts")
    item = get_item(session, cls, position)
    stripped = text.strip()
    if not 0 < len(stripped) <= MAX_COMMENT:
        raise CallqaError(
            ErrorCode.T166, cls=cls.id, item=position, reason=f"must have 1 to {MAX_COMMENT} characters"
        )
    if turn is not None:
        count = _turns(session, item.interaction_id)
        if not 0 <= turn < count:
            raise CallqaError(
                ErrorCode.T166,
                cls=cls.id,
                item=position,
                reason=f"names turn {turn}, which is not in the transcript (turns 0 to {count - 1})",
            )
    row = ClassCommentRow(
        item_id=item.id,
        author_id=actor.user_id or None,
        text=redact_text(stripped).text,
        turn=turn,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "comment", cls, item=position, comment=row.id)
    return row


def comments_of(session: Session, cls: TrainingClassRow, position: int | None = None) -> list[Comment]:
    """The class's comments (of one item when ``position`` is given), oldest first."""
    query = (
        select(ClassCommentRow, ClassItemRow.position, UserRow.display_name)
        .join(ClassItemRow, ClassItemRow.id == ClassCommentRow.item_id)
        .outerjoin(UserRow, UserRow.id == ClassCommentRow.author_id)
        .where(ClassItemRow.class_id == cls.id)
        .order_by(ClassCommentRow.id)
    )
    if position is not None:
        query = query.where(ClassItemRow.position == position)
    return [
        Comment(c.id, pos, name or "–", c.text, c.turn, c.created_at, c.article_id)
        for c, pos, name in session.execute(query)
    ]


def _comment(
    session: Session, cls: TrainingClassRow, comment_id: int
) -> tuple[ClassCommentRow, ClassItemRow]:
    found = session.execute(
        select(ClassCommentRow, ClassItemRow)
        .join(ClassItemRow, ClassItemRow.id == ClassCommentRow.item_id)
        .where(ClassCommentRow.id == comment_id, ClassItemRow.class_id == cls.id)
    ).first()
    if found is None:
        raise CallqaError(ErrorCode.T167, cls=cls.id, comment=comment_id)
    return found[0], found[1]


def comment_item(session: Session, cls: TrainingClassRow, comment_id: int) -> ClassItemRow:
    """The item a comment of the class is on (T167 when the class has no such comment)."""
    return _comment(session, cls, comment_id)[1]


def suggested_title(
    session: Session, cls: TrainingClassRow, item: ClassItemRow, criterion: str | None
) -> str:
    """An article's title from the class item: the criterion discussed, or the interaction it is about."""
    if criterion and criterion.strip():
        return f"{criterion.strip()}: {cls.title}"[:255]
    external = session.scalar(
        select(InteractionRow.external_id).where(InteractionRow.id == item.interaction_id)
    )
    return f"{cls.title} — {external}"[:255]


def promote_comment(
    session: Session,
    actor: Actor,
    cls: TrainingClassRow,
    comment_id: int,
    *,
    title: str | None = None,
    criterion: str | None = None,
) -> ArticleRow:
    """Make a knowledge-base article of a comment (its redacted text), keeping the item's interaction and
    the comment's turn as its source; the comment keeps the article's id."""
    comment, item = _comment(session, cls, comment_id)
    if comment.article_id is not None:
        raise CallqaError(ErrorCode.T168, cls=cls.id, comment=comment_id, article=comment.article_id)
    language = session.scalar(select(InteractionRow.language).where(InteractionRow.id == item.interaction_id))
    article = write_article(
        session,
        title=(title or "").strip() or suggested_title(session, cls, item, criterion),
        body=comment.text,
        language=language,
        user_id=actor.user_id,
    )
    article.source_interaction_id, article.source_turn = item.interaction_id, comment.turn
    comment.article_id = article.id
    session.flush()
    _audit(session, actor, "promote", cls, item=item.position, comment=comment_id, article=article.id)
    return article


def promote_turn(
    session: Session,
    actor: Actor,
    cls: TrainingClassRow,
    position: int,
    turn: int,
    *,
    title: str | None = None,
    criterion: str | None = None,
) -> ArticleRow:
    """Make a knowledge-base article of an agent's turn of the item (``knowledge.promote_answer``); the
    class keeps it as a comment of the presenter's carrying the article's id."""
    item = get_item(session, cls, position)
    article = promote_answer(
        session,
        interaction_id=item.interaction_id,
        turn=turn,
        title=(title or "").strip() or suggested_title(session, cls, item, criterion),
        note=None,
        user_id=actor.user_id,
    )
    spoken = session.scalar(
        select(TurnRow.text).where(TurnRow.interaction_id == item.interaction_id, TurnRow.seq == turn)
    )
    comment = ClassCommentRow(
        item_id=item.id,
        author_id=actor.user_id or None,
        text=redact_text(spoken or "").text,
        turn=turn,
        created_at=datetime.now(UTC),
        article_id=article.id,
    )
    session.add(comment)
    session.flush()
    _audit(session, actor, "promote", cls, item=position, turn=turn, article=article.id)
    return article
