"""The scenario library's API: list and create scenarios, read one (key points only for SCENARIO_MANAGE),
save a new version, build from an interaction, and suggestions from recurring failures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.catalogue import Filter, list_scenarios, redacted, save_edit, versions_of
from callqa.training.library import create_scenario
from callqa.training.models import ScenarioRow
from callqa.training.script import ScenarioContent, ScriptError
from callqa.training.suggest import period_of, suggestions
from callqa.users.schemas import Actor
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require
from callqa.web.routes.scenarios import build, criteria_of, readable, scenario_for, scorecard_of

api = APIRouter(prefix="/api", tags=["training"])
Text = Annotated[str, Query(max_length=255)]


class ScenarioIn(BaseModel):
    """A scenario written by hand: its title and content (``ScenarioContent`` as JSON: language, tags,
    scripts per level with their steps)."""

    title: str = Field(min_length=1, max_length=255)
    content: dict[str, Any]
    note: str = Field("", max_length=2000)


class VersionIn(BaseModel):
    """A new version of a scenario's content."""

    content: dict[str, Any]
    note: str = Field("", max_length=2000)


class BuildIn(BaseModel):
    """Build from an interaction; ``criterion``: the failed criterion the scenario is about (default: the
    clearest failure)."""

    criterion: str | None = Field(None, max_length=255)


def _content(data: dict[str, Any]) -> ScenarioContent:
    try:
        return ScenarioContent.from_json(data)
    except ScriptError as exc:
        raise CallqaError(ErrorCode.T106, field="content", reason=str(exc)) from exc
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a step or script that is not an object
        raise CallqaError(ErrorCode.T106, field="content", reason=f"not well formed: {exc!r}") from exc


def _summary(row: ScenarioRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "language": row.language,
        "criterion": row.criterion,
        "reason": row.reason,
        "tags": list(row.tags or []),
        "origin": row.origin,
        "state": row.state,
        "version": row.current_version,
    }


def _detail(session: Session, actor: Actor, row: ScenarioRow) -> dict[str, Any]:
    out = {**_summary(row), "content": readable(session, actor, row).as_json()}
    if allowed(actor, Action.SCENARIO_MANAGE):
        out["scorecard"] = row.scorecard
        out["source_interaction_id"] = row.source_interaction_id
        out["versions"] = [
            {"version": v.version, "note": v.note, "author": v.author, "created_at": v.created_at.isoformat()}
            for v in versions_of(session, row)
        ]
    return out


@api.get("/scenarios")
def list_all(
    session: DbSession,
    actor: CurrentActor,
    tag: Text = "",
    criterion: Text = "",
    reason: Text = "",
    language: Annotated[str, Query(max_length=35)] = "",
    state: Annotated[str, Query(max_length=16, description="active, archived or all")] = "active",
) -> dict[str, Any]:
    """The scenario library, filtered by tag, criterion, contact reason, language and state (archived
    scenarios only for those who manage the library)."""
    require(actor, Action.SCENARIO_VIEW)
    if state != "active":
        require(actor, Action.SCENARIO_MANAGE)
    with refusals():
        rows = list_scenarios(session, Filter(tag, criterion, reason, language, state))
    return {"scenarios": [_summary(r) for r in rows]}


@api.post("/scenarios", status_code=201)
def create(request: Request, session: DbSession, actor: CurrentActor, body: ScenarioIn) -> dict[str, Any]:
    """A scenario written by hand (checked against the scorecard's criteria; lines redacted)."""
    require(actor, Action.SCENARIO_MANAGE)
    card = scorecard_of(request)
    with refusals():
        content = redacted(_content(body.content))
        first = content.level(1).criteria if 1 in content.levels else ()
        row = create_scenario(
            session,
            actor,
            title=body.title,
            scorecard=card.name,
            content=content,
            known_criteria=set(criteria_of(card)),
            criterion=first[0] if first else None,
            origin="manual",
            note=body.note,
        )
    audit(request, session, actor, "create", "scenario", row.id, {"title": body.title})
    return _detail(session, actor, row)


@api.get("/scenarios/suggestions")
def suggested(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    since: Annotated[date | None, Query(description="first day (default: 90 days before `until`)")] = None,
    until: Annotated[date | None, Query(description="last day (default: the newest interaction's)")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """Criterion × contact reason pairs that failed most over the period, with the agents affected and
    the interaction to build from (POST /api/scenarios/from-interaction/{id} with the criterion)."""
    require(actor, Action.SCENARIO_MANAGE)
    card = scorecard_of(request)
    with refusals():
        period = period_of(session, since, until)
        found = suggestions(session, scorecard=card.name, period=period, limit=limit)
    return {"scorecard": card.name, "period": period.as_json(), "suggestions": [s.as_json() for s in found]}


@api.get("/scenarios/{scenario_id}")
def read(session: DbSession, actor: CurrentActor, scenario_id: RowId) -> dict[str, Any]:
    """One scenario with its current scripts (key points, source and versions only for SCENARIO_MANAGE)."""
    return _detail(session, actor, scenario_for(session, actor, scenario_id))


@api.put("/scenarios/{scenario_id}")
def new_version(
    request: Request, session: DbSession, actor: CurrentActor, scenario_id: RowId, body: VersionIn
) -> dict[str, Any]:
    """Save the content as the scenario's next version (the one practised from now on)."""
    require(actor, Action.SCENARIO_MANAGE)
    row = scenario_for(session, actor, scenario_id)
    with refusals(conflicts=(ErrorCode.T107,)):
        version = save_edit(
            session,
            actor,
            row,
            _content(body.content),
            known_criteria=set(criteria_of(scorecard_of(request))),
            note=body.note,
        )
    audit(request, session, actor, "edit", "scenario", row.id, {"version": version})
    return _detail(session, actor, row)


@api.post("/scenarios/from-interaction/{interaction_id}", status_code=201)
def from_interaction(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    interaction_id: RowId,
    body: BuildIn | None = None,
) -> dict[str, Any]:
    """Build a scenario (levels 1–3) from the interaction's current evaluation: its customer's turns, the
    failed criteria as act points."""
    row = build(request, session, actor, interaction_id, body.criterion if body else None)
    return _detail(session, actor, row)
