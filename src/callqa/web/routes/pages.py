"""Pages: the interaction list and the interaction detail (transcript, evidence, audio, sentiment)."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed, interaction_scope
from callqa.analysis.moments import load_library
from callqa.interactions.models import InteractionRow
from callqa.interactions.queries import get_interaction
from callqa.lifecycle.retention import removals
from callqa.review.notifications import mail_setting
from callqa.review.productivity import record_open
from callqa.scoring.queries import analysis_for, evaluations_for
from callqa.searches.service import shareable_teams, visible_searches
from callqa.users.schemas import Actor, UserRole
from callqa.users.service import create_token, list_tokens, set_locale
from callqa.users.sessions import user_sessions
from callqa.views.choices import moment_choices, reason_choices
from callqa.views.detail import interaction_view
from callqa.views.review import visible_review
from callqa.views.search import (
    MAX_OFFSET,
    criterion_choices,
    facet_values,
    search_interactions,
    sort_key,
)
from callqa.web.blob_response import blob_response, open_blob
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.filters import checked, parse_filter
from callqa.web.render import render
from callqa.web.routes.external_ids import external_id_page

router = APIRouter(include_in_schema=False)
GAP_MOMENTS = ("long_hold", "long_silence")  # found from the timeline, not the phrase library


@cache
def moment_kinds() -> list[str]:
    """Every key-moment kind the analysis can find (the phrase library's and the timeline's)."""
    return sorted({*load_library().kinds, *GAP_MOMENTS} - {"hold_request", "hold_return"})


PAGE_SIZE = 50


@router.get("/")
def home(actor: CurrentActor) -> Response:
    """An agent's home is their goals and work (``/home``); everyone else starts at the interactions."""
    return RedirectResponse("/home" if actor.role is UserRole.AGENT else "/interactions", status_code=303)


@router.get("/interactions", name="interactions_page")
def interactions_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    page: Annotated[int, Query(le=10**9)] = 1,
    sort: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    if external_id := request.query_params.get("external_id", "").strip():
        return external_id_page(request, session, actor, external_id)  # any id, all digits or with a '/'
    flt = parse_filter(request.query_params)
    page = max(1, page)
    scope = interaction_scope(actor)
    sort = checked(lambda: sort_key(sort))
    found = checked(
        lambda: search_interactions(
            session, flt, scope=scope, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort
        )
    )
    audit(request, session, actor, "search", "interaction", None, flt.as_params())
    facets = facet_values(session, scope=scope)
    context = {
        "found": found,
        "filter": flt,
        "params": flt.as_params(),
        "facets": facets,
        "saved": visible_searches(session, actor),
        "share_teams": shareable_teams(actor, facets["team"]),
        "query_string": str(request.url.query),
        "moments": moment_choices(moment_kinds()),
        "reasons": reason_choices(session),
        "criteria": criterion_choices(session, flt),
        "sort": sort,
        "page": page,
        "max_offset": MAX_OFFSET,
        # a capped count knows no last page: "older" leads on while pages are full
        "pages": max(1, -(-found.total // PAGE_SIZE)) if not found.capped else None,
    }
    return render(request, "interactions.html", context)


def owner_of(session: DbSession, interaction_id: int) -> Owner:
    """Whose work the interaction is (404 when it does not exist)."""
    row = session.get(InteractionRow, interaction_id)
    if row is None:
        raise HTTPException(404, "not found")
    return Owner(agent=row.agent, team=row.team)


@router.get("/interactions/{interaction_id}", name="interaction_page")
def interaction_page(
    request: Request, session: DbSession, actor: CurrentActor, interaction_id: RowId
) -> Response:
    owner = owner_of(session, interaction_id)
    require(actor, Action.INTERACTION_VIEW, owner, hide=True)
    stored = get_interaction(session, interaction_id)
    evaluations = evaluations_for(session, interaction_id)
    view = interaction_view(
        stored, evaluations[0] if evaluations else None, analysis_for(session, interaction_id)
    )
    audit(request, session, actor, "view", "interaction", interaction_id)
    if evaluations and allowed(actor, Action.EVALUATION_REVIEW, owner):
        record_open(session, actor.user_id, interaction_id)  # the start of the review's time (productivity)
    review = visible_review(session, actor, interaction_id)
    if review is not None and review.awaiting_self_evaluation:
        view = interaction_view(stored, None, analysis_for(session, interaction_id))  # no outcomes yet
    context = {
        "view": view,
        "doc": stored.doc,
        "doc_id": interaction_id,
        "review": review,
        "removed": removals(session, interaction_id),
        "can": {
            "review": allowed(actor, Action.EVALUATION_REVIEW, owner),
            "respond": allowed(actor, Action.REVIEW_RESPOND, owner),
            "resolve": allowed(actor, Action.DISPUTE_RESOLVE, owner),
            "finalize": allowed(actor, Action.REVIEW_FINALIZE, owner),
            "promote": allowed(actor, Action.KNOWLEDGE_PROMOTE, owner),
            "coach": allowed(actor, Action.COACHING_MANAGE, owner),
            "assign": allowed(actor, Action.TRAINING_ASSIGN, owner),
            "scenario": allowed(actor, Action.SCENARIO_MANAGE, owner),
        },
    }
    return render(request, "interaction.html", context)


@router.get("/interactions/{interaction_id}/audio", name="interaction_audio")
def interaction_audio(
    request: Request, session: DbSession, actor: CurrentActor, interaction_id: RowId
) -> Response:
    """The (redacted) recording; only to those who may see the interaction."""
    require(actor, Action.INTERACTION_VIEW, owner_of(session, interaction_id), hide=True)
    recording = get_interaction(session, interaction_id).doc.recording
    if recording is None:
        raise HTTPException(404, "this interaction has no recording")
    audit(request, session, actor, "listen", "interaction", interaction_id)
    blob = open_blob(request.app.state.runtime.files, recording.uri)  # decrypted when stored encrypted
    return blob_response(request, blob, recording.media_type)  # answers Range requests (seeking)


def _profile(request: Request, session: Session, actor: Actor, new_token: str | None) -> Response:
    context = {
        "tokens": list_tokens(session, actor.user_id),
        "new_token": new_token,
        "sessions": user_sessions(session, actor.user_id, request.app.state.session_limits),
        "current_session": getattr(request.state, "session_row_id", None),
        "mail": mail_setting(session, actor.user_id),
        "mail_available": request.app.state.settings.smtp_host is not None,
    }
    return render(request, "profile.html", context)


@router.get("/me", name="profile_page")
def profile_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _profile(request, session, actor, None)


@router.post("/me/tokens", name="profile_new_token")
def profile_new_token(
    request: Request, session: DbSession, actor: CurrentActor, name: Annotated[str, Form()]
) -> Response:
    """Create an API token from the profile page; it is shown once."""
    require(actor, Action.TOKEN_MANAGE)
    label = name.strip()[:128] or "token"
    token, row = create_token(session, actor.user_id, label)
    audit(request, session, actor, "create", "api_token", row.id, {"name": label})
    return _profile(request, session, actor, token)


@router.post("/me/language", name="profile_language")
def profile_language(
    request: Request, session: DbSession, actor: CurrentActor, locale: Annotated[str, Form(max_length=16)]
) -> Response:
    """The signed-in user's interface language (everyone chooses their own; no role is needed)."""
    with refusals():
        set_locale(session, actor.user_id, locale)
    audit(request, session, actor, "update", "user_locale", actor.user_id, {"locale": locale})
    return RedirectResponse("/me#language", status_code=303)
