"""Adding articles, promoting an agent's answer from a transcript, and finding articles by words."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.knowledge.models import ArticleRow


def promote_answer(
    session: Session, *, interaction_id: int, turn: int, title: str, note: str | None, user_id: int
) -> ArticleRow:
    """Make an article of an agent's turn (its redacted text, quoted), with a title and an optional note."""
    row = session.execute(
        select(TurnRow.text, TurnRow.role, InteractionRow.language)
        .join(InteractionRow, InteractionRow.id == TurnRow.interaction_id)
        .where(TurnRow.interaction_id == interaction_id, TurnRow.seq == turn)
    ).first()
    if row is None:
        raise CallqaError(ErrorCode.G101, reason=f"interaction {interaction_id} has no turn {turn}")
    if row.role != "agent":
        raise CallqaError(ErrorCode.G101, reason="only an agent's answer can be promoted")
    if not title.strip():
        raise CallqaError(ErrorCode.G101, reason="an article needs a title")
    body = "\n".join(f"> {line}" for line in row.text.splitlines()) + (
        f"\n\n{note.strip()}" if note and note.strip() else ""
    )
    article = ArticleRow(
        title=title.strip(),
        body=body,
        language=row.language,
        source_interaction_id=interaction_id,
        source_turn=turn,
        created_by=user_id,
        created_at=datetime.now(UTC),
    )
    session.add(article)
    session.flush()
    return article


def write_article(
    session: Session,
    *,
    title: str,
    body: str,
    language: str | None,
    user_id: int,
    article_id: int | None = None,
) -> ArticleRow:
    """Add an article, or change one (``article_id``); the body is markdown."""
    if not title.strip() or not body.strip():
        raise CallqaError(ErrorCode.G101, reason="an article needs a title and a body")
    if article_id is None:
        article = ArticleRow(created_by=user_id, created_at=datetime.now(UTC))
        session.add(article)
    else:
        found = session.get(ArticleRow, article_id)
        if found is None:
            raise CallqaError(ErrorCode.G103, article=article_id)
        article = found
    article.title, article.body, article.language = title.strip()[:255], body.strip(), language or None
    article.updated_at = datetime.now(UTC)
    session.flush()
    return article


def search_articles(session: Session, words: str | None = None, *, limit: int = 50) -> list[ArticleRow]:
    """Articles whose title or body contains every word (newest first)."""
    query = select(ArticleRow).order_by(ArticleRow.id.desc()).limit(limit)
    for word in (words or "").split():
        query = query.where(
            or_(
                ArticleRow.title.contains(word, autoescape=True),
                ArticleRow.body.contains(word, autoescape=True),
            )
        )
    return list(session.scalars(query))
