"""The practice pages: "My practice" (what I may practise, my practices with scores) and one practice —
the conversation while it runs, the result (score, criteria with the agent's own words, branches) after."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callqa.access.policies import Action, allowed
from callqa.core.errors import CallqaError
from callqa.core.i18n import translations
from callqa.training import practice as engine
from callqa.training.models import PracticeRow
from callqa.training.practice_queries import (
    practice_json,
    practices,
    practisable,
    scenario_titles,
    summary_json,
)
from callqa.users.schemas import UserRole
from callqa.views.labels import translate
from callqa.web.deps import CurrentActor, DbSession, RowId, refusals
from callqa.web.render import is_rtl, render, request_locale
from callqa.web.routes.training_practice import (
    CONFLICTS,
    PracticeStart,
    give_answer,
    judging_of,
    own_owner,
    own_practice,
    seen_practice,
    start,
)

pages = APIRouter(include_in_schema=False)

# the browser voice to read a scenario's lines with (speechSynthesis), by the scenario's language
SPEECH = {"en": "en-US", "zh": "zh-CN", "zh-hant": "zh-TW", "lt": "lt-LT", "fa": "fa-IR"}


def speech_lang(language: str) -> str:
    """The speech-synthesis voice for a scenario's language tag (zh-Hant → zh-TW, zh-Hans → zh-CN)."""
    tag = language.replace("_", "-").lower()
    parts = tag.split("-")
    if parts[0] == "zh" and ("hant" in parts or "tw" in parts or "hk" in parts):
        return SPEECH["zh-hant"]
    return SPEECH.get(parts[0], language)


def criterion_titles(request: Request, row: PracticeRow) -> dict[str, str]:
    """The practice scorecard's criterion titles in the viewer's language, as the interaction page shows
    them (for the lines the page's script draws); none when the scorecard is gone."""
    if row.scorecard is None:
        return {}
    try:
        card = judging_of(request).scorecard(row.scorecard)
    except CallqaError:
        return {}
    gettext = translations(request_locale(request)).gettext
    return {c.spec.id: translate(c.spec.title, gettext) for c in card.criteria}


@pages.get("/training/practice", name="practice_home")
def practice_home(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """Scenarios assigned to me and the others I may practise; my practices (or those I oversee)."""
    can_practise = allowed(actor, Action.PRACTICE_RUN, own_owner(actor))
    if actor.role is UserRole.AGENT or can_practise:
        rows = practices(session, agent_id=actor.user_id)
    else:
        rows = practices(session)
    seen = [r for r in rows if allowed(actor, Action.PRACTICE_VIEW, engine.owner_of(session, r))]
    titles = scenario_titles(session, {r.scenario_id for r in seen})
    context = {
        "scenarios": practisable(session, actor.user_id) if can_practise else [],
        "can_practise": can_practise,
        "practices": [summary_json(r, titles) for r in seen],
    }
    return render(request, "training/practice_home.html", context)


@pages.get("/training/practice/{practice_id}", name="practice_page")
def practice_page(request: Request, session: DbSession, actor: CurrentActor, practice_id: RowId) -> Response:
    """One practice: the brief and the conversation with the answer box while it runs; the result after."""
    row = seen_practice(session, actor, practice_id)
    found = practice_json(session, row)
    language = str(found["language"])
    context = {
        "p": found,
        "mine": row.agent_id == actor.user_id,
        "rtl": is_rtl(language),
        "speech_lang": speech_lang(language),
        "titles": criterion_titles(request, row),
        "branches": [t for t in found["turns"] if t["role"] == "agent"],
    }
    return render(request, "training/practice.html", context)


# ---- form posts (the page's script uses the API; these work without it)


@pages.post("/training/practice", name="practice_start")
def practice_start_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    scenario_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    level: Annotated[int, Form(ge=1, le=3)] = 1,
    assignment_id: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
) -> Response:
    row = start(
        request,
        session,
        actor,
        PracticeStart(scenario_id=scenario_id, level=level, assignment_id=assignment_id),
    )
    return RedirectResponse(f"/training/practice/{row.id}", status_code=303)


@pages.post("/training/practice/{practice_id}/answer", name="practice_answer")
def practice_answer_form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    practice_id: RowId,
    text: Annotated[str, Form(max_length=engine.MAX_ANSWER * 2)],
    step: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    row = own_practice(session, actor, practice_id)
    give_answer(request, session, row, text, "typed", step)
    return RedirectResponse(f"/training/practice/{row.id}#answer", status_code=303)


@pages.post("/training/practice/{practice_id}/abandon", name="practice_abandon")
def practice_abandon_form(session: DbSession, actor: CurrentActor, practice_id: RowId) -> Response:
    row = own_practice(session, actor, practice_id)
    with refusals(CONFLICTS, status=409):
        engine.abandon(session, actor, row)
    return RedirectResponse("/training/practice", status_code=303)
