"""Assignments: a scenario (at a level) an agent is asked to practise by a date, made by hand, from a
coaching session or from a failed criterion; one row per agent (a team's assignment is a batch of rows).

Who may assign to whom is the web layer's check (``Action.TRAINING_ASSIGN`` on each assignee's ``owner``);
this module resolves the assignees, stores the rows, notifies each agent and records the audit trail.
An assignment is done when a finished practice carries its id (``mark_done``, called by the practice code).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from callqa.access.policies import Owner
from callqa.audit.service import record
from callqa.coaching.models import CoachingRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.privacy.redact import redact_text
from callqa.review.notifications import notify
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.training.library import content_of, get_scenario
from callqa.training.models import AssignmentRow, PracticeRow, ScenarioRow
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import Actor, UserRole

ORIGINS = ("manual", "coaching", "criterion")
STATES = ("open", "done", "cancelled")
NOTE_LIMIT = 2000
NOTIFICATION_KIND = "training_assigned"


@dataclass(frozen=True)
class Assignee:
    """An agent account an assignment can go to, and the team it is in."""

    user_id: int
    agent_name: str
    display_name: str
    team: str | None
    team_id: int | None

    @property
    def owner(self) -> Owner:
        return Owner(agent=self.agent_name, team=self.team)


def _agents() -> Select[UserRow, str]:
    return (
        select(UserRow, TeamRow.name)
        .outerjoin(TeamRow, TeamRow.id == UserRow.team_id)
        .where(
            UserRow.role == UserRole.AGENT.value,
            UserRow.agent_name.is_not(None),
            UserRow.active.is_(True),
        )
    )


def _assignee(user: UserRow, team: str | None) -> Assignee:
    return Assignee(user.id, str(user.agent_name), user.display_name, team, user.team_id)


def agent_assignee(session: Session, key: str) -> Assignee:
    """The active agent a username or an agent name names (T140 if none)."""
    key = key.strip()
    for column in (UserRow.username, UserRow.agent_name):
        found = session.execute(_agents().where(column == key)).first()
        if found is not None:
            return _assignee(*found)
    raise CallqaError(ErrorCode.T140, agent=key[:80])


def agent_by_id(session: Session, user_id: int) -> Assignee | None:
    found = session.execute(_agents().where(UserRow.id == user_id)).first()
    return _assignee(*found) if found is not None else None


def team_assignees(session: Session, team: str) -> list[Assignee]:
    """The active agents of a team, by name (T141 for an unknown team or one without agents)."""
    rows = session.execute(_agents().where(TeamRow.name == team.strip()).order_by(UserRow.agent_name))
    members = [_assignee(user, name) for user, name in rows]
    if not members:
        raise CallqaError(ErrorCode.T141, team=team.strip()[:80])
    return members


def failed_assignees(session: Session, criterion: str, since: date, until: date) -> list[Assignee]:
    """Agents (with an account) whose official result failed ``criterion`` on an interaction that started
    from ``since`` to ``until`` (inclusive)."""
    start, end = datetime.combine(since, time.min, UTC), datetime.combine(until, time.max, UTC)
    names = (
        select(InteractionRow.agent)
        .distinct()
        .where(
            InteractionRow.id == EvaluationRow.interaction_id,
            EvaluationRow.is_current.is_(True),
            CriterionResultRow.evaluation_id == EvaluationRow.id,
            CriterionResultRow.criterion == criterion,
            CriterionResultRow.outcome == "fail",
            InteractionRow.started_at >= start,
            InteractionRow.started_at <= end,
        )
    )
    rows = session.execute(_agents().where(UserRow.agent_name.in_(names)).order_by(UserRow.agent_name))
    return [_assignee(user, team) for user, team in rows]


def scenarios_for(session: Session, criterion: str) -> list[ScenarioRow]:
    """The active scenarios that train ``criterion`` (their main criterion or a tag), newest first."""
    rows = session.scalars(
        select(ScenarioRow).where(ScenarioRow.state == "active").order_by(ScenarioRow.id.desc())
    )
    return [r for r in rows if r.criterion == criterion or criterion in (r.tags or [])]


def get_assignment(session: Session, assignment_id: int) -> AssignmentRow:
    row = session.get(AssignmentRow, assignment_id)
    if row is None:
        raise CallqaError(ErrorCode.T144, assignment=assignment_id)
    return row


def _checked_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise CallqaError(ErrorCode.T142, reason=f"the note is longer than {NOTE_LIMIT} characters")
    return redact_text(note).text if note else ""


def assign(
    session: Session,
    actor: Actor,
    assignees: Sequence[Assignee],
    *,
    scenario_id: int,
    level: int = 1,
    due_on: date | None = None,
    note: str = "",
    origin: str = "manual",
    team_id: int | None = None,
    coaching_id: int | None = None,
    interaction_id: int | None = None,
    criterion: str | None = None,
    today: date | None = None,
) -> list[AssignmentRow]:
    """One open assignment per assignee (a shared ``batch`` when there are several), a notification to
    each, one audit row; flushed, not committed."""
    if not assignees:
        raise CallqaError(ErrorCode.T142, reason="nobody to assign to")
    if origin not in ORIGINS:
        raise CallqaError(ErrorCode.T142, reason=f"origin '{origin[:40]}' is not one of {', '.join(ORIGINS)}")
    if due_on is not None and due_on < (today or datetime.now(UTC).date()):
        raise CallqaError(ErrorCode.T142, reason=f"the due date {due_on} is in the past")
    scenario = get_scenario(session, scenario_id)
    if scenario.state != "active":
        raise CallqaError(ErrorCode.T142, reason=f"scenario {scenario.id} is {scenario.state}")
    levels = content_of(session, scenario).levels
    if level not in levels:
        raise CallqaError(
            ErrorCode.T143, scenario=scenario.id, level=level, levels=", ".join(map(str, levels))
        )
    if origin == "coaching":
        coaching = session.get(CoachingRow, coaching_id) if coaching_id else None
        if coaching is None:
            raise CallqaError(ErrorCode.T146, coaching=coaching_id)
        if [a.agent_name for a in assignees] != [coaching.agent_name]:
            raise CallqaError(ErrorCode.T142, reason=f"coaching {coaching.id} is with {coaching.agent_name}")
    if origin == "criterion" and not (criterion or scenario.criterion):
        raise CallqaError(ErrorCode.T142, reason="an assignment from a failed criterion names the criterion")
    text = _checked_note(note)
    batch = uuid.uuid4().hex if len(assignees) > 1 else None
    now = datetime.now(UTC)
    rows = [
        AssignmentRow(
            scenario_id=scenario.id,
            level=level,
            agent_id=a.user_id,
            agent_name=a.agent_name,
            team_id=team_id,
            batch=batch,
            origin=origin,
            coaching_id=coaching_id if origin == "coaching" else None,
            interaction_id=interaction_id,
            criterion=criterion or scenario.criterion,
            note=text,
            due_on=due_on,
            state="open",
            assigned_by=actor.user_id or None,
            created_at=now,
        )
        for a in assignees
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        _notify(session, actor, row, scenario)
    record(
        session,
        user_id=actor.user_id or None,
        username=actor.username,
        action="assignment.create",
        resource="assignment",
        resource_id=rows[0].id,
        detail={
            "scenario": scenario.id,
            "level": level,
            "agents": [a.agent_name for a in assignees],
            "batch": batch,
            "origin": origin,
            "due_on": due_on.isoformat() if due_on else None,
        },
    )
    return rows


def _notify(session: Session, actor: Actor, row: AssignmentRow, scenario: ScenarioRow) -> None:
    due = row.due_on.isoformat() if row.due_on else "–"
    notify(
        session,
        [row.agent_id],
        NOTIFICATION_KIND,
        f"{actor.display_name} asked you to practise “{scenario.title}” (due {due})",
        link=f"/training/practice#assignment-{row.id}",
        params={"who": actor.display_name, "scenario": scenario.title, "due": due, "assignment": row.id},
    )


def cancel(session: Session, actor: Actor, row: AssignmentRow) -> None:
    """Cancel an open assignment (T145 once it is done or cancelled); audited."""
    if row.state != "open":
        raise CallqaError(ErrorCode.T145, assignment=row.id, state=row.state, action="cancel it")
    row.state = "cancelled"
    record(
        session,
        user_id=actor.user_id or None,
        username=actor.username,
        action="assignment.cancel",
        resource="assignment",
        resource_id=row.id,
        detail={"agent": row.agent_name, "scenario": row.scenario_id},
    )
    session.flush()


def mark_done(session: Session, practice: PracticeRow) -> AssignmentRow | None:
    """Called when a practice finishes: the open assignment it carries becomes done (the practice must be
    the assignee's own, of the assigned scenario; T148 otherwise). None when it carries no assignment or the
    assignment is no longer open (a second practice of a done assignment changes nothing)."""
    if practice.assignment_id is None:
        return None
    if practice.state != "finished":
        raise CallqaError(
            ErrorCode.T148, practice=practice.id, reason=f"it is {practice.state}, not finished"
        )
    row = get_assignment(session, practice.assignment_id)
    if row.agent_id != practice.agent_id or row.scenario_id != practice.scenario_id:
        reason = f"it is not a practice of assignment {row.id} (another agent or scenario)"
        raise CallqaError(ErrorCode.T148, practice=practice.id, reason=reason)
    if row.state != "open":
        return None
    row.state = "done"
    row.completed_at = practice.finished_at or datetime.now(UTC)
    session.flush()
    return row


def is_overdue(row: AssignmentRow, today: date) -> bool:
    """Open past its due date."""
    return row.state == "open" and row.due_on is not None and row.due_on < today


def all_agents(session: Session) -> list[Assignee]:
    """Every active agent account (the assign form narrows it to those the actor may assign to)."""
    return [_assignee(user, team) for user, team in session.execute(_agents().order_by(UserRow.agent_name))]


def team_id_of(session: Session, team: str) -> int | None:
    return session.scalar(select(TeamRow.id).where(TeamRow.name == team.strip()))


def active_scenarios(session: Session) -> list[ScenarioRow]:
    """The scenarios that can be assigned, by title."""
    return list(
        session.scalars(select(ScenarioRow).where(ScenarioRow.state == "active").order_by(ScenarioRow.title))
    )


def named_assignees(
    session: Session,
    *,
    agent: str | None = None,
    team: str | None = None,
    failed_criterion: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Assignee]:
    """Whom exactly one of ``agent``, ``team`` or ``failed_criterion`` (from ``since`` to ``until``) names;
    T142 unless exactly one is given. Who of them the caller may assign to is the caller's check."""
    if len([v for v in (agent, team, failed_criterion) if v]) != 1:
        raise CallqaError(ErrorCode.T142, reason="name exactly one of agent, team or failed criterion")
    if agent:
        return [agent_assignee(session, agent)]
    if team:
        return team_assignees(session, team)
    if since is None or until is None or since > until:
        raise CallqaError(ErrorCode.T142, reason=f"the period from {since} to {until} is not a period")
    return failed_assignees(session, str(failed_criterion), since, until)


def scenario_for(session: Session, scenario_id: int | None, criterion: str | None) -> int:
    """The scenario named, else the newest active one training ``criterion`` (T147 if none; T142 if
    neither is given)."""
    if scenario_id is not None:
        return scenario_id
    if not criterion:
        raise CallqaError(ErrorCode.T142, reason="name the scenario")
    found = scenarios_for(session, criterion)
    if not found:
        raise CallqaError(ErrorCode.T147, criterion=criterion)
    return found[0].id
