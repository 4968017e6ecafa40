"""The knowledge base in the web app: markdown articles written here or promoted from a transcript, found
by meaning in any language (multilingual embeddings) or by words."""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.knowledge.models import ArticleRow
from callqa.knowledge.semantic import KnowledgeIndex
from callqa.knowledge.service import promote_answer, search_articles, write_article
from callqa.ml.embeddings import get_embedder
from callqa.users.schemas import Actor
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
    validated,
)
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["knowledge base"])


class PromoteIn(BaseModel):
    interaction_id: BodyId
    turn: Position = Field(description="the agent's turn (index in the transcript)")
    title: str = Field(min_length=1, max_length=255)
    note: str | None = None


def _promote(request: Request, session: Session, actor: Actor, body: PromoteIn) -> ArticleRow:
    row = session.get(InteractionRow, body.interaction_id)
    if row is None:
        raise HTTPException(404, "not found")
    owner = Owner(agent=row.agent, team=row.team)
    require(actor, Action.INTERACTION_VIEW, owner, hide=True)
    require(actor, Action.KNOWLEDGE_PROMOTE, owner)
    with refusals():
        article = promote_answer(
            session,
            interaction_id=body.interaction_id,
            turn=body.turn,
            title=body.title,
            note=body.note,
            user_id=actor.user_id,
        )
    audit(request, session, actor, "promote", "kb_article", article.id, {"interaction": body.interaction_id})
    return article


class ArticleIn(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    body: str = Field(min_length=1, description="markdown")
    language: str | None = Field(None, max_length=35)


_index_lock = threading.Lock()


def semantic_search(
    app: FastAPI, session: Session, query: str, limit: int = 20
) -> list[tuple[ArticleRow, float]]:
    """Articles by meaning: the query's closest passage per article, best first (any language)."""
    with _index_lock:
        index: KnowledgeIndex | None = getattr(app.state, "kb_index", None)
        if index is None:
            index = app.state.kb_index = KnowledgeIndex(get_embedder())
        index.refresh(session)
        hits = index.search(query, limit=limit)
    rows = {
        a.id: a
        for a in session.scalars(select(ArticleRow).where(ArticleRow.id.in_([h.article_id for h in hits])))
    }
    return [(rows[h.article_id], h.similarity) for h in hits if h.article_id in rows]


def _find(
    request: Request, session: Session, q: str | None, mode: str
) -> list[tuple[ArticleRow, float | None]]:
    if q and q.strip() and mode == "semantic":
        return [(a, s) for a, s in semantic_search(request.app, session, q)]
    return [(a, None) for a in search_articles(session, q)]


def _json(a: ArticleRow, similarity: float | None = None) -> dict[str, Any]:
    return {
        "similarity": None if similarity is None else round(similarity, 4),
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "language": a.language,
        "source_interaction_id": a.source_interaction_id,
        "source_turn": a.source_turn,
        "created_at": a.created_at.isoformat(),
    }


@api.post("/knowledge/promote", status_code=201)
def promote(request: Request, session: DbSession, actor: CurrentActor, body: PromoteIn) -> dict[str, Any]:
    """Make an article of a great answer (an agent's turn), for supervisors of the team and analysts."""
    return _json(_promote(request, session, actor, body))


@api.get("/knowledge")
def articles(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    q: str | None = None,
    mode: Literal["semantic", "words"] = "semantic",
) -> list[dict[str, Any]]:
    """Articles for ``q``: by meaning (default; a question in one language finds articles in another), or
    containing every word (``mode=words``); all articles, newest first, without ``q``."""
    require(actor, Action.KNOWLEDGE_READ)
    return [_json(a, sim) for a, sim in _find(request, session, q, mode)]


@api.post("/knowledge", status_code=201)
def create_article(
    request: Request, session: DbSession, actor: CurrentActor, body: ArticleIn
) -> dict[str, Any]:
    """Write an article (markdown); supervisors, QA analysts and admins."""
    require(actor, Action.KNOWLEDGE_EDIT)
    with refusals():
        article = write_article(
            session, title=body.title, body=body.body, language=body.language, user_id=actor.user_id
        )
    audit(request, session, actor, "create", "kb_article", article.id, {"title": article.title})
    return _json(article)


@api.put("/knowledge/{article_id}")
def update_article(
    request: Request, session: DbSession, actor: CurrentActor, article_id: RowId, body: ArticleIn
) -> dict[str, Any]:
    """Change an article's title, body or language."""
    require(actor, Action.KNOWLEDGE_EDIT)
    with refusals(missing=[ErrorCode.G103]):
        article = write_article(
            session,
            title=body.title,
            body=body.body,
            language=body.language,
            user_id=actor.user_id,
            article_id=article_id,
        )
    audit(request, session, actor, "update", "kb_article", article.id, {"title": article.title})
    return _json(article)


@pages.post("/interactions/{interaction_id}/promote", name="knowledge_promote")
def promote_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    interaction_id: RowId,
    turn: Annotated[int, Form()],
    title: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    body = validated(PromoteIn, interaction_id=interaction_id, turn=turn, title=title, note=note)
    article = _promote(request, session, actor, body)
    return RedirectResponse(f"/knowledge#article-{article.id}", status_code=303)


@pages.get("/knowledge", name="knowledge_page")
def knowledge_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    q: str | None = None,
    mode: Literal["semantic", "words"] = "semantic",
) -> Response:
    require(actor, Action.KNOWLEDGE_READ)
    found = _find(request, session, q, mode)
    context = {"found": found, "q": q or "", "mode": mode, "can_edit": allowed(actor, Action.KNOWLEDGE_EDIT)}
    return render(request, "knowledge.html", context)


@pages.post("/knowledge", name="knowledge_write")
def write_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    title: Annotated[str, Form()],
    body: Annotated[str, Form()],
    language: Annotated[str, Form()] = "",
    article_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    require(actor, Action.KNOWLEDGE_EDIT)
    with refusals(missing=[ErrorCode.G103]):
        article = write_article(
            session,
            title=title,
            body=body,
            language=language or None,
            user_id=actor.user_id,
            article_id=article_id,
        )
    audit(
        request,
        session,
        actor,
        "update" if article_id else "create",
        "kb_article",
        article.id,
        {"title": title},
    )
    return RedirectResponse(f"/knowledge#article-{article.id}", status_code=303)
