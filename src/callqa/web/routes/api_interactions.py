"""REST API: the signed-in actor, searching interactions, one interaction with its evaluation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from callqa.access.policies import Action, interaction_scope
from callqa.interactions.queries import get_interaction
from callqa.scoring.queries import StoredEvaluation, analysis_for, evaluations_for
from callqa.views.review import visible_review
from callqa.views.search import MAX_PAGE, SORTS, search_interactions, sort_key
from callqa.web.deps import MAX_ID, CurrentActor, DbSession, RowId, audit, require
from callqa.web.filters import QueryParams, checked
from callqa.web.routes.pages import owner_of

router = APIRouter(prefix="/api", tags=["interactions"])


@router.get("/me")
def me(actor: CurrentActor) -> dict[str, Any]:
    """Who the token or session belongs to, and what they may see."""
    return {
        "id": actor.user_id,
        "username": actor.username,
        "display_name": actor.display_name,
        "role": actor.role.value,
        "agent_name": actor.agent_name,
        "team": actor.team,
        "leads": sorted(actor.led_teams),
        "locale": actor.locale,
    }


@router.get("/interactions")
def list_interactions(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    flt: QueryParams,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    sort: Annotated[
        str | None, Query(max_length=20, description=f"one of {', '.join(SORTS)}; '-' first: descending")
    ] = None,
) -> dict[str, Any]:
    """Interactions the caller may see (newest first unless ``sort`` says otherwise) with the scores of
    their current evaluation; with ``q``, each item's ``snippet`` shows the first matching turn."""
    sort = checked(lambda: sort_key(sort))
    found = checked(
        lambda: search_interactions(
            session, flt, scope=interaction_scope(actor), limit=limit, offset=offset, sort=sort
        )
    )
    audit(request, session, actor, "search", "interaction", None, flt.as_params())
    return {
        "total": min(found.total, found.cap),
        "total_capped": found.capped,  # more than ``total`` match: the count stops there
        "offset": found.offset,
        "limit": found.limit,
        "items": [hit.as_json() for hit in found.hits],
    }


def _evaluation_json(ev: StoredEvaluation) -> dict[str, Any]:
    return {
        "id": ev.id,
        "scorecard": ev.scorecard,
        "scorecard_version": ev.scorecard_version,
        "engine_version": ev.engine_version,
        "score": ev.score,
        "auto_failed": ev.auto_failed,
        "passed": ev.passed,
        "ai_score": ev.ai_score,
        "reviewed_score": ev.reviewed_score,
        "final_score": ev.score,
        "review_state": ev.review_state,
        "current": ev.is_current,
        "created_at": ev.created_at.isoformat(),
        "criteria": list(ev.criteria),
    }


@router.get("/interactions/{interaction_id}")
def read_interaction(
    request: Request, session: DbSession, actor: CurrentActor, interaction_id: RowId
) -> dict[str, Any]:
    """The interaction (redacted transcript, events, survey), its current evaluations and its analysis."""
    require(actor, Action.INTERACTION_VIEW, owner_of(session, interaction_id), hide=True)
    stored = get_interaction(session, interaction_id)
    audit(request, session, actor, "view", "interaction", interaction_id)
    review = visible_review(session, actor, interaction_id)
    awaiting = review is not None and review.awaiting_self_evaluation
    return {
        "id": stored.id,
        "interaction": stored.doc.model_dump(mode="json", exclude_none=True),
        "awaiting_self_evaluation": awaiting,
        "evaluations": []
        if awaiting
        else [_evaluation_json(ev) for ev in evaluations_for(session, interaction_id)],
        "analysis": analysis_for(session, interaction_id),
    }


@router.get("/interactions/{interaction_id}/evaluations")
def evaluation_history(
    request: Request, session: DbSession, actor: CurrentActor, interaction_id: RowId
) -> list[dict[str, Any]]:
    """Every evaluation of the interaction, newest first (re-scoring keeps the old ones)."""
    require(actor, Action.EVALUATION_VIEW, owner_of(session, interaction_id), hide=True)
    audit(request, session, actor, "view", "evaluation", interaction_id)
    review = visible_review(session, actor, interaction_id)
    if review is not None and review.awaiting_self_evaluation:
        return []  # the agent evaluates themselves first
    return [_evaluation_json(ev) for ev in evaluations_for(session, interaction_id, current_only=False)]
