"""The knowledge base in the web app: promoting an agent's answer from a transcript, searching articles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner
from callqa.interactions.models import InteractionRow
from callqa.knowledge.models import ArticleRow
from callqa.knowledge.service import promote_answer, search_articles
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, audit, refusals, require
from callqa.web.render import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["knowledge base"])


class PromoteIn(BaseModel):
    interaction_id: int
    turn: int = Field(ge=0, description="the agent's turn (index in the transcript)")
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


def _json(a: ArticleRow) -> dict[str, Any]:
    return {
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
def articles(session: DbSession, actor: CurrentActor, q: str | None = None) -> list[dict[str, Any]]:
    """Articles containing every word of ``q``, newest first."""
    require(actor, Action.KNOWLEDGE_READ)
    return [_json(a) for a in search_articles(session, q)]


@pages.post("/interactions/{interaction_id}/promote", name="knowledge_promote")
def promote_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    interaction_id: int,
    turn: Annotated[int, Form()],
    title: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    article = _promote(
        request, session, actor, PromoteIn(interaction_id=interaction_id, turn=turn, title=title, note=note)
    )
    return RedirectResponse(f"/knowledge#article-{article.id}", status_code=303)


@pages.get("/knowledge", name="knowledge_page")
def knowledge_page(
    request: Request, session: DbSession, actor: CurrentActor, q: str | None = None
) -> Response:
    require(actor, Action.KNOWLEDGE_READ)
    return render(request, "knowledge.html", {"articles": search_articles(session, q), "q": q or ""})
