"""The scenario library's pages: the list with its filters, a scenario's scripts as conversations with their
branches, the editor (a plain form per level), archiving, suggestions from recurring failures, and the
"Build scenario" action of the interaction page. Key points, sources and versions are for SCENARIO_MANAGE."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.runtime import Runtime
from callqa.scoring.loader import Scorecard
from callqa.training.build import build_from_interaction
from callqa.training.catalogue import (
    STATES,
    Filter,
    for_agent,
    list_scenarios,
    save_edit,
    set_state,
    versions_of,
)
from callqa.training.form import BLANK_ROWS, content_from_form
from callqa.training.library import content_of, get_scenario
from callqa.training.models import ScenarioRow
from callqa.training.script import LEVELS, MOODS, ScenarioContent, Script, Step
from callqa.training.suggest import period_of, suggestions
from callqa.training.variants import harder_branches, pass_path
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.render import render
from callqa.web.routes.training_practice import own_owner

pages = APIRouter(include_in_schema=False)
_MISSING = (ErrorCode.T101, ErrorCode.T102, ErrorCode.Q100)
_CONFLICTS = (ErrorCode.T107,)

Text = Annotated[str, Query(max_length=255)]


def scorecard_of(request: Request) -> Scorecard:
    """The scorecard scenarios are built and scored with: the configured one."""
    runtime: Runtime = request.app.state.runtime
    return runtime.scorecards.current()


def criteria_of(card: Scorecard) -> dict[str, str]:
    return {c.spec.id: c.spec.title for c in card.criteria}


def scenario_for(session: Session, actor: Actor, scenario_id: int) -> ScenarioRow:
    """The scenario, or 404; an archived one only for those who manage the library."""
    with refusals(missing=_MISSING):
        row = get_scenario(session, scenario_id)
    require(actor, Action.SCENARIO_VIEW)
    if row.state == "archived" and not allowed(actor, Action.SCENARIO_MANAGE):
        require(actor, Action.SCENARIO_MANAGE, hide=True)
    return row


def readable(session: Session, actor: Actor, row: ScenarioRow, version: int | None = None) -> ScenarioContent:
    """The scripts this reader may see: without key points unless they manage the library."""
    with refusals(missing=_MISSING):
        content = content_of(session, row, version)
    return content if allowed(actor, Action.SCENARIO_MANAGE) else for_agent(content)


def build(
    request: Request, session: Session, actor: Actor, interaction_id: int, criterion: str | None
) -> ScenarioRow:
    """Build a scenario from an interaction (SCENARIO_MANAGE), audited."""
    require(actor, Action.SCENARIO_MANAGE)
    card = scorecard_of(request)
    with refusals(missing=_MISSING):
        row = build_from_interaction(
            session,
            actor,
            interaction_id,
            scorecard=card.name,
            known_criteria=set(criteria_of(card)),
            criterion=criterion or None,
            origin="suggested" if criterion else "interaction",
        )
    audit(request, session, actor, "build", "scenario", row.id, {"interaction": interaction_id})
    return row


def _conversation(script: Script) -> list[tuple[Step, Step | None]]:
    """The steps in practice order, each with its harder branch (shown beside it, not in the list)."""
    branches = harder_branches(script)
    order = pass_path(script)
    order += [s.id for s in script.steps if s.id not in order and s.id not in branches]
    by_parent = {parent.id: script.step(child) for child, parent in branches.items()}
    return [(script.step(i), by_parent.get(i)) for i in order]


@pages.get("/training/scenarios", name="scenarios_page")
def scenarios_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    tag: Text = "",
    criterion: Text = "",
    reason: Text = "",
    language: Annotated[str, Query(max_length=35)] = "",
    state: Annotated[str, Query(max_length=16)] = "active",
) -> Response:
    require(actor, Action.SCENARIO_VIEW)
    manages = allowed(actor, Action.SCENARIO_MANAGE)
    flt = Filter(
        tag.strip(), criterion.strip(), reason.strip(), language.strip(), state if manages else "active"
    )
    with refusals():
        rows = list_scenarios(session, flt)
    context = {"rows": rows, "flt": flt, "states": STATES, "manages": manages}
    return render(request, "training/scenarios.html", context)


@pages.get("/training/scenarios/suggestions", name="scenario_suggestions_page")
def suggestions_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    require(actor, Action.SCENARIO_MANAGE)
    card = scorecard_of(request)
    with refusals():
        period = period_of(session, since, until)
        found = suggestions(session, scorecard=card.name, period=period, limit=limit)
    context = {"found": found, "period": period, "limit": limit, "scorecard": card.name}
    return render(request, "training/scenario_suggestions.html", context)


@pages.get("/training/scenarios/{scenario_id}", name="scenario_page")
def scenario_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    scenario_id: RowId,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    row = scenario_for(session, actor, scenario_id)
    manages = allowed(actor, Action.SCENARIO_MANAGE)
    content = readable(session, actor, row, version if manages else None)
    context: dict[str, Any] = {
        "row": row,
        "content": content,
        "levels": [(s, _conversation(s)) for s in sorted(content.scripts, key=lambda s: s.level)],
        "manages": manages,
        "practises": row.state == "active" and allowed(actor, Action.PRACTICE_RUN, own_owner(actor)),
        "version": version or row.current_version,
        "versions": versions_of(session, row) if manages else [],
        "criteria": criteria_of(scorecard_of(request)) if manages else {},
    }
    return render(request, "training/scenario.html", context)


def _editor(
    request: Request, row: ScenarioRow, content: ScenarioContent, error: str | None = None
) -> Response:
    rows = {s.level: [*s.steps, *([None] * BLANK_ROWS)] for s in content.scripts}
    for level in LEVELS:
        rows.setdefault(level, [None] * BLANK_ROWS)
    context = {
        "row": row,
        "content": content,
        "scripts": {s.level: s for s in content.scripts},
        "rows": rows,
        "moods": MOODS,
        "criteria": criteria_of(scorecard_of(request)),
        "error": error,
    }
    return render(request, "training/scenario_edit.html", context, 422 if error else 200)


@pages.get("/training/scenarios/{scenario_id}/edit", name="scenario_edit_page")
def scenario_edit_page(
    request: Request, session: DbSession, actor: CurrentActor, scenario_id: RowId
) -> Response:
    require(actor, Action.SCENARIO_MANAGE)
    row = scenario_for(session, actor, scenario_id)
    return _editor(request, row, readable(session, actor, row))


@pages.post("/training/scenarios/{scenario_id}/edit", name="scenario_edit")
async def scenario_edit(
    request: Request, session: DbSession, actor: CurrentActor, scenario_id: RowId
) -> Response:
    require(actor, Action.SCENARIO_MANAGE)
    row = scenario_for(session, actor, scenario_id)
    items = [(k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str)]
    try:
        content, note = content_from_form(items)
        version = save_edit(
            session, actor, row, content, known_criteria=set(criteria_of(scorecard_of(request))), note=note
        )
    except CallqaError as exc:
        return _editor(request, row, readable(session, actor, row), str(exc))
    audit(request, session, actor, "edit", "scenario", row.id, {"version": version})
    return RedirectResponse(f"/training/scenarios/{row.id}", status_code=303)


@pages.post("/training/scenarios/{scenario_id}/state", name="scenario_state")
def scenario_state(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    scenario_id: RowId,
    state: Annotated[str, Form(max_length=16)],
) -> Response:
    require(actor, Action.SCENARIO_MANAGE)
    row = scenario_for(session, actor, scenario_id)
    with refusals():
        set_state(session, actor, row, state)
    return RedirectResponse(f"/training/scenarios/{row.id}", status_code=303)


@pages.post("/training/scenarios/from-interaction/{interaction_id}", name="scenario_build")
def scenario_build(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    interaction_id: RowId,
    criterion: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    row = build(request, session, actor, interaction_id, criterion.strip() or None)
    return RedirectResponse(f"/training/scenarios/{row.id}", status_code=303)
