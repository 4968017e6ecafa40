"""The scenario library as people see it: filtered lists, the versions of a scenario, archiving, what an
agent may read (never the key points), and saving an edit (redacted, refused on an archived scenario)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, allowed
from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.privacy.redact import redact_text
from callqa.training.library import save_version
from callqa.training.models import ScenarioRow, ScenarioVersionRow
from callqa.training.script import ScenarioContent, Script
from callqa.users.models import UserRow
from callqa.users.schemas import Actor
from callqa.users.service import actor_for

STATES = ("active", "archived", "all")


@dataclass(frozen=True)
class Filter:
    tag: str = ""
    criterion: str = ""
    reason: str = ""
    language: str = ""
    state: str = "active"

    def checked(self) -> Filter:
        if self.state not in STATES:
            raise CallqaError(ErrorCode.T108, field="state", value=self.state, known=", ".join(STATES))
        return self


def list_scenarios(session: Session, flt: Filter | None = None) -> list[ScenarioRow]:
    """Scenarios matching the filter (a tag among its tags; language by prefix: 'zh' finds 'zh-Hans'),
    newest first."""
    flt = (flt or Filter()).checked()
    query = select(ScenarioRow).order_by(ScenarioRow.id.desc())
    if flt.state != "all":
        query = query.where(ScenarioRow.state == flt.state)
    if flt.criterion:
        query = query.where(ScenarioRow.criterion == flt.criterion)
    if flt.reason:
        query = query.where(ScenarioRow.reason == flt.reason)
    rows = list(session.scalars(query))
    if flt.language:
        wanted = flt.language.lower()
        rows = [
            r for r in rows if r.language.lower() == wanted or r.language.lower().startswith(wanted + "-")
        ]
    if flt.tag:
        rows = [r for r in rows if flt.tag in (r.tags or [])]
    return rows


@dataclass(frozen=True)
class VersionInfo:
    version: int
    note: str
    author: str | None
    created_at: datetime


def versions_of(session: Session, scenario: ScenarioRow) -> list[VersionInfo]:
    rows = session.execute(
        select(
            ScenarioVersionRow.version,
            ScenarioVersionRow.note,
            UserRow.display_name,
            ScenarioVersionRow.created_at,
        )
        .outerjoin(UserRow, UserRow.id == ScenarioVersionRow.created_by)
        .where(ScenarioVersionRow.scenario_id == scenario.id)
        .order_by(ScenarioVersionRow.version.desc())
    ).all()
    return [VersionInfo(r[0], r[1], r[2], r[3]) for r in rows]


def set_state(session: Session, actor: Actor, scenario: ScenarioRow, state: str) -> None:
    """Archive (no longer offered for practice and assignment) or restore a scenario; audited."""
    if state not in ("active", "archived"):
        raise CallqaError(ErrorCode.T108, field="state", value=state, known="active, archived")
    if scenario.state == state:
        return
    scenario.state = state
    scenario.updated_at = datetime.now(UTC)
    record(
        session,
        user_id=actor.user_id,
        username=actor.username,
        action="scenario.archive" if state == "archived" else "scenario.restore",
        resource="scenario",
        resource_id=scenario.id,
    )
    session.flush()


def for_agent(content: ScenarioContent) -> ScenarioContent:
    """The scripts without their key points (an agent practises them; the analyst's words stay hidden)."""
    return dataclasses.replace(
        content,
        scripts=tuple(
            dataclasses.replace(s, steps=tuple(dataclasses.replace(step, key_point="") for step in s.steps))
            for s in content.scripts
        ),
    )


def _redacted_script(script: Script) -> Script:
    steps = tuple(
        dataclasses.replace(
            step, customer=redact_text(step.customer).text, key_point=redact_text(step.key_point).text
        )
        for step in script.steps
    )
    return dataclasses.replace(script, brief=redact_text(script.brief).text, steps=steps)


def redacted(content: ScenarioContent) -> ScenarioContent:
    """Every line, brief and key point typed by staff, with card numbers and the like redacted."""
    return dataclasses.replace(content, scripts=tuple(_redacted_script(s) for s in content.scripts))


def save_edit(
    session: Session,
    actor: Actor,
    scenario: ScenarioRow,
    content: ScenarioContent,
    *,
    known_criteria: set[str] | None = None,
    note: str = "",
) -> int:
    """Store an edit as the scenario's next version (redacted first); T107 when it is archived."""
    if scenario.state == "archived":
        raise CallqaError(ErrorCode.T107, scenario=scenario.id)
    return save_version(
        session,
        actor,
        scenario,
        redacted(content),
        known_criteria=known_criteria,
        note=redact_text(note).text,
    )


def manager_named(session: Session, username: str) -> Actor:
    """The active user ``username`` acting on the library from the command line; T110 unless they may
    manage scenarios."""
    user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
    actor = actor_for(session, user_id) if user_id is not None else None
    if actor is None:
        raise CallqaError(ErrorCode.T110, username=username, reason="no such active user")
    if not allowed(actor, Action.SCENARIO_MANAGE):
        raise CallqaError(ErrorCode.T110, username=username, reason=f"role {actor.role.value}")
    return actor
