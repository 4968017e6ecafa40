"""Store and read scenarios: each save is a new version, the scenario points at the one practised.

The builders (from an interaction, from recurring failures, harder variants) make ``ScenarioContent``; this
module only checks it against the scorecard, stores it and reads it back.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.models import ScenarioRow, ScenarioVersionRow
from callqa.training.script import ScenarioContent, ScriptError
from callqa.users.schemas import Actor


def _checked(title: str, content: ScenarioContent, known_criteria: set[str] | None) -> None:
    try:
        content.check(known_criteria)
    except ScriptError as exc:
        raise CallqaError(ErrorCode.T100, scenario=title, reason=str(exc)) from exc


def create_scenario(
    session: Session,
    actor: Actor,
    *,
    title: str,
    scorecard: str,
    content: ScenarioContent,
    known_criteria: set[str] | None = None,
    criterion: str | None = None,
    reason: str | None = None,
    origin: str = "manual",
    source_interaction_id: int | None = None,
    note: str = "",
) -> ScenarioRow:
    """Store a new scenario with its first version (flushed, not committed); audited."""
    _checked(title, content, known_criteria)
    now = datetime.now(UTC)
    row = ScenarioRow(
        title=title,
        language=content.language,
        scorecard=scorecard,
        criterion=criterion,
        reason=reason,
        tags=list(content.tags),
        origin=origin,
        source_interaction_id=source_interaction_id,
        current_version=1,
        state="active",
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.add(
        ScenarioVersionRow(
            scenario_id=row.id,
            version=1,
            content=content.as_json(),
            note=note,
            created_by=actor.user_id,
            created_at=now,
        )
    )
    record(
        session,
        user_id=actor.user_id,
        username=actor.username,
        action="scenario.create",
        resource="scenario",
        resource_id=row.id,
        detail={"title": title, "origin": origin, "levels": list(content.levels)},
    )
    session.flush()
    return row


def save_version(
    session: Session,
    actor: Actor,
    scenario: ScenarioRow,
    content: ScenarioContent,
    *,
    known_criteria: set[str] | None = None,
    note: str = "",
) -> int:
    """Store the content as the scenario's next version and make it the one practised; its number."""
    _checked(scenario.title, content, known_criteria)
    latest = session.scalar(
        select(ScenarioVersionRow.version)
        .where(ScenarioVersionRow.scenario_id == scenario.id)
        .order_by(ScenarioVersionRow.version.desc())
        .limit(1)
    )
    version = (latest or 0) + 1
    now = datetime.now(UTC)
    session.add(
        ScenarioVersionRow(
            scenario_id=scenario.id,
            version=version,
            content=content.as_json(),
            note=note,
            created_by=actor.user_id,
            created_at=now,
        )
    )
    scenario.current_version = version
    scenario.language = content.language
    scenario.tags = list(content.tags)
    scenario.updated_at = now
    record(
        session,
        user_id=actor.user_id,
        username=actor.username,
        action="scenario.version",
        resource="scenario",
        resource_id=scenario.id,
        detail={"version": version, "note": note},
    )
    session.flush()
    return version


def get_scenario(session: Session, scenario_id: int) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise CallqaError(ErrorCode.T101, scenario=scenario_id)
    return row


def content_of(session: Session, scenario: ScenarioRow, version: int | None = None) -> ScenarioContent:
    """The scenario's scripts at a version (the current one by default)."""
    wanted = scenario.current_version if version is None else version
    stored = session.scalar(
        select(ScenarioVersionRow.content).where(
            ScenarioVersionRow.scenario_id == scenario.id, ScenarioVersionRow.version == wanted
        )
    )
    if stored is None:
        raise CallqaError(ErrorCode.T102, scenario=scenario.id, version=wanted)
    return ScenarioContent.from_json(stored)
