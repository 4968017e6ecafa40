"""Following assignments up: the assignments a person sees (filtered), and what each changed — in practice
(first against latest score of the scenario, passed or not, harder branches taken) and in the real work
(the criterion's pass rate in the agent's official evaluations N days before against N days after).

Read-only: nothing here writes evaluations or practice rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.training.assignments import is_overdue
from callqa.training.models import AssignmentRow, PracticeRow, ScenarioRow
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import Actor, UserRole

REAL_WORK_DAYS = 30  # the window before and after an assignment its real-work change is measured over


@dataclass(frozen=True)
class PracticeProgress:
    """The agent's finished practices of the scenario (any level, assigned or not), oldest first."""

    practices: int
    first_score: float | None
    latest_score: float | None
    best_score: float | None
    latest_passed: bool | None
    first_harder: int | None  # harder branches the first practice took
    latest_harder: int | None

    @property
    def change(self) -> float | None:
        if self.practices < 2 or self.first_score is None or self.latest_score is None:
            return None
        return round(self.latest_score - self.first_score, 1)


@dataclass(frozen=True)
class RealChange:
    """The criterion's pass rate (pass / (pass + fail)) in the agent's official results around a day."""

    criterion: str
    days: int
    before_n: int
    before_rate: float | None
    after_n: int
    after_rate: float | None

    @property
    def change(self) -> float | None:
        if self.before_rate is None or self.after_rate is None:
            return None
        return round(self.after_rate - self.before_rate, 3)


@dataclass(frozen=True)
class Followed:
    """One assignment as the follow-up pages show it."""

    row: AssignmentRow
    scenario: str
    team: str | None
    overdue: bool
    practice: PracticeProgress
    real: RealChange | None

    def as_json(self) -> dict[str, Any]:
        r = self.row
        real = None
        if self.real is not None:
            real = {
                "criterion": self.real.criterion,
                "days": self.real.days,
                "before_n": self.real.before_n,
                "before_rate": self.real.before_rate,
                "after_n": self.real.after_n,
                "after_rate": self.real.after_rate,
                "change": self.real.change,
            }
        p = self.practice
        return {
            "id": r.id,
            "scenario_id": r.scenario_id,
            "scenario": self.scenario,
            "level": r.level,
            "agent": r.agent_name,
            "team": self.team,
            "batch": r.batch,
            "origin": r.origin,
            "coaching_id": r.coaching_id,
            "interaction_id": r.interaction_id,
            "criterion": r.criterion,
            "note": r.note,
            "due_on": r.due_on.isoformat() if r.due_on else None,
            "state": r.state,
            "overdue": self.overdue,
            "created_at": r.created_at.isoformat(),
            "completed_at": r.completed_at.isoformat() if r.completed_at else None,
            "practice": {
                "practices": p.practices,
                "first_score": p.first_score,
                "latest_score": p.latest_score,
                "best_score": p.best_score,
                "latest_passed": p.latest_passed,
                "first_harder": p.first_harder,
                "latest_harder": p.latest_harder,
                "change": p.change,
            },
            "real": real,
        }


def practice_progress(session: Session, agent_id: int, scenario_id: int) -> PracticeProgress:
    rows = list(
        session.scalars(
            select(PracticeRow)
            .where(
                PracticeRow.agent_id == agent_id,
                PracticeRow.scenario_id == scenario_id,
                PracticeRow.state == "finished",
            )
            .order_by(PracticeRow.finished_at, PracticeRow.id)
        )
    )
    if not rows:
        return PracticeProgress(0, None, None, None, None, None, None)
    scores = [r.score for r in rows if r.score is not None]
    first, latest = rows[0], rows[-1]
    return PracticeProgress(
        practices=len(rows),
        first_score=first.score,
        latest_score=latest.score,
        best_score=max(scores) if scores else None,
        latest_passed=latest.passed,
        first_harder=first.harder_branches,
        latest_harder=latest.harder_branches,
    )


def pass_rate(
    session: Session, agent: str, criterion: str, start: datetime, end: datetime
) -> tuple[int, float | None]:
    """How many of the agent's interactions started in [start, end) were judged on the criterion (official
    outcome pass or fail), and the share that passed."""
    outcome = CriterionResultRow.outcome
    query = select(outcome, func.count()).where(
        InteractionRow.agent == agent,
        InteractionRow.started_at >= start,
        InteractionRow.started_at < end,
        EvaluationRow.interaction_id == InteractionRow.id,
        EvaluationRow.is_current.is_(True),
        CriterionResultRow.evaluation_id == EvaluationRow.id,
        CriterionResultRow.criterion == criterion,
        outcome.in_(("pass", "fail")),
    )
    counts = dict(session.execute(query.group_by(outcome)).all())
    judged = counts.get("pass", 0) + counts.get("fail", 0)
    return judged, (round(counts.get("pass", 0) / judged, 3) if judged else None)


def real_change(
    session: Session, agent: str, criterion: str, since: datetime, days: int = REAL_WORK_DAYS
) -> RealChange:
    """The criterion's pass rate in the ``days`` before ``since`` against the ``days`` after."""
    window = timedelta(days=days)
    before_n, before = pass_rate(session, agent, criterion, since - window, since)
    after_n, after = pass_rate(session, agent, criterion, since, since + window)
    return RealChange(criterion, days, before_n, before, after_n, after)


def _scope(actor: Actor) -> ColumnElement[bool]:
    """The assignments the actor sees: staff all, a supervisor their teams' agents', an agent their own."""
    if actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST):
        return AssignmentRow.id.is_not(None)
    if actor.role is UserRole.SUPERVISOR:
        return TeamRow.name.in_(sorted(actor.led_teams)) if actor.led_teams else false()
    return AssignmentRow.agent_id == actor.user_id


@dataclass(frozen=True)
class Filters:
    team: str | None = None
    agent: str | None = None
    state: str | None = None  # open | done | cancelled
    overdue: bool = False
    coaching_ids: tuple[int, ...] | None = None  # made from these coaching sessions


def followed(
    session: Session,
    actor: Actor,
    filters: Filters,
    *,
    today: date | None = None,
    days: int = REAL_WORK_DAYS,
    limit: int = 500,
) -> list[Followed]:
    """The assignments the actor sees that match the filters, newest first, with their progress."""
    day = today or datetime.now(UTC).date()
    query = (
        select(AssignmentRow, ScenarioRow.title, TeamRow.name)
        .join(ScenarioRow, ScenarioRow.id == AssignmentRow.scenario_id)
        .join(UserRow, UserRow.id == AssignmentRow.agent_id)
        .outerjoin(TeamRow, TeamRow.id == UserRow.team_id)
        .where(_scope(actor))
    )
    if filters.team:
        query = query.where(TeamRow.name == filters.team)
    if filters.agent:
        query = query.where(AssignmentRow.agent_name == filters.agent)
    if filters.state:
        query = query.where(AssignmentRow.state == filters.state)
    if filters.coaching_ids is not None:
        query = query.where(AssignmentRow.coaching_id.in_(filters.coaching_ids))
    if filters.overdue:
        query = query.where(
            AssignmentRow.state == "open", AssignmentRow.due_on.is_not(None), AssignmentRow.due_on < day
        )
    rows = session.execute(query.order_by(AssignmentRow.id.desc()).limit(limit)).all()
    return [follow(session, row, title, team, day, days) for row, title, team in rows]


def follow(
    session: Session, row: AssignmentRow, title: str, team: str | None, today: date, days: int
) -> Followed:
    real = None
    if row.criterion:
        real = real_change(session, row.agent_name, row.criterion, row.created_at, days)
    return Followed(
        row=row,
        scenario=title,
        team=team,
        overdue=is_overdue(row, today),
        practice=practice_progress(session, row.agent_id, row.scenario_id),
        real=real,
    )


def by_coaching(
    session: Session, actor: Actor, coaching_ids: Sequence[int], *, today: date | None = None
) -> dict[int, list[Followed]]:
    """The assignments made from each coaching session (for the coaching follow-up)."""
    out: dict[int, list[Followed]] = {cid: [] for cid in coaching_ids}
    if not coaching_ids:
        return out
    for item in followed(session, actor, Filters(coaching_ids=tuple(coaching_ids)), today=today):
        out[int(item.row.coaching_id or 0)].append(item)
    return out
