"""Goals: set, change, remove and list them, each checked against the metric catalogue, the data and the
actor's scope (coded errors naming the field); the caller audits and commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.access.policies import CENTRE, Action, Owner, allowed, interaction_scope
from callqa.core.errors import CallqaError, ErrorCode
from callqa.goals.catalogue import GOAL_METRICS, GoalMetric
from callqa.goals.models import GoalRow
from callqa.goals.periods import EARLIEST, LATEST, PERIOD_KINDS, PeriodKind, in_range, starts_period
from callqa.goals.schemas import GoalIn
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow
from callqa.users.schemas import Actor
from callqa.users.teams import team_names

SCOPES = ("centre", "team", "agent")


@dataclass(frozen=True)
class Goal:
    """A stored goal with its metric resolved (and its criterion's title, for a pass-rate goal)."""

    id: int
    metric: GoalMetric
    criterion: str | None
    criterion_title: str | None
    scope: str
    team: str | None
    agent: str | None
    period: PeriodKind
    starts_on: date
    target: float

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "metric": self.metric.id,
            "criterion": self.criterion,
            "criterion_title": self.criterion_title,
            "scope": self.scope,
            "team": self.team,
            "agent": self.agent,
            "period": self.period,
            "starts_on": self.starts_on.isoformat(),
            "target": self.target,
        }


def agent_team(session: Session, agent: str) -> str | None:
    """The team of the agent's latest interaction (whose supervisor sets the agent's goals)."""
    query = (
        select(InteractionRow.team)
        .where(InteractionRow.agent == agent)
        .order_by(InteractionRow.started_at.desc(), InteractionRow.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def owner_of(session: Session, row: GoalRow) -> Owner:
    """Whose work the goal is about: the centre's, a team's, or an agent's (and their team)."""
    if row.scope == "agent" and row.agent is not None:
        return Owner(agent=row.agent, team=agent_team(session, row.agent))
    if row.scope == "team":
        return Owner(agent=None, team=row.team)
    return CENTRE


def _criteria(session: Session) -> dict[str, str]:
    """Every criterion id of the stored evaluations and its latest title."""
    latest = (
        select(CriterionResultRow.criterion, func.max(CriterionResultRow.id).label("id"))
        .group_by(CriterionResultRow.criterion)
        .subquery()
    )
    rows = session.execute(
        select(CriterionResultRow.criterion, CriterionResultRow.title).join(
            latest, CriterionResultRow.id == latest.c.id
        )
    )
    return {criterion: title for criterion, title in rows}


def _criterion(session: Session, given: str | None) -> str:
    """A criterion named by its id or title (any case)."""
    known = _criteria(session)
    wanted = (given or "").strip()
    for criterion, title in known.items():
        if wanted.casefold() in (criterion.casefold(), title.casefold()):
            return criterion
    shown = ", ".join(sorted(known.values())[:20]) or "none stored yet"
    raise CallqaError(
        ErrorCode.V152, field="criterion", value=f"'{wanted}'", reason=f"names no criterion; known: {shown}"
    )


def _known_team(session: Session, team: str) -> bool:
    if team in team_names(session):
        return True
    return session.scalar(select(InteractionRow.id).where(InteractionRow.team == team).limit(1)) is not None


def _metric(session: Session, data: GoalIn) -> tuple[GoalMetric, str | None]:
    """The goal's metric (and a pass rate's criterion), its target within the metric's range."""
    metric = GOAL_METRICS.get(data.metric.strip())
    if metric is None:
        raise CallqaError(ErrorCode.V150, field="metric", value=data.metric, known=", ".join(GOAL_METRICS))
    criterion = _criterion(session, data.criterion) if metric.needs_criterion else None
    if not metric.low <= data.target <= metric.high:
        raise CallqaError(
            ErrorCode.V151,
            field="target",
            value=f"{data.target:g}",
            metric=metric.id,
            low=f"{metric.low:g}",
            high=f"{metric.high:g}",
        )
    return metric, criterion


def _period(data: GoalIn) -> PeriodKind:
    """The goal's period kind, its start date the first day of one."""
    period = data.period
    if period not in PERIOD_KINDS:
        raise CallqaError(
            ErrorCode.V152, field="period", value=f"'{period}'", reason="is not week, month or quarter"
        )
    day = data.starts_on.isoformat()
    if not in_range(data.starts_on):
        reason = f"is not between {EARLIEST} and {LATEST}"
        raise CallqaError(ErrorCode.V152, field="starts_on", value=day, reason=reason)
    if not starts_period(period, data.starts_on):
        first = {"week": "a Monday", "month": "the 1st of a month", "quarter": "the 1st of a quarter"}
        reason = f"does not start a {period}: give {first[period]}"
        raise CallqaError(ErrorCode.V152, field="starts_on", value=day, reason=reason)
    return period


def _whose(session: Session, data: GoalIn) -> tuple[str, str | None, str | None]:
    """(scope, team, agent): the centre, a team in the data, or an agent in the data."""
    scope = data.scope.strip()
    team = (data.team or "").strip() or None
    agent = (data.agent or "").strip() or None
    if scope == "centre":
        return scope, None, None
    if scope == "team":
        if team is None or not _known_team(session, team):
            raise CallqaError(
                ErrorCode.V152, field="team", value=f"'{team or ''}'", reason="is not a team in the data"
            )
        return scope, team, None
    if scope == "agent":
        known = agent is not None and session.scalar(
            select(InteractionRow.id).where(InteractionRow.agent == agent).limit(1)
        )
        if not known:
            raise CallqaError(
                ErrorCode.V152, field="agent", value=f"'{agent or ''}'", reason="is not an agent in the data"
            )
        return scope, None, agent
    raise CallqaError(
        ErrorCode.V152, field="scope", value=f"'{scope}'", reason="is not centre, team or agent"
    )


def _checked(session: Session, actor: Actor, data: GoalIn) -> dict[str, object]:
    """The goal's columns, every field checked (the first problem raised as a coded error naming its field),
    within what ``actor`` may set."""
    metric, criterion = _metric(session, data)
    period = _period(data)
    scope, team, agent = _whose(session, data)
    columns: dict[str, object] = {
        "metric": metric.id,
        "criterion": criterion,
        "scope": scope,
        "team": team,
        "agent": agent,
        "period": period,
        "starts_on": data.starts_on,
        "target": float(data.target),
    }
    _in_scope(session, actor, GoalRow(**columns))
    return columns


def _in_scope(session: Session, actor: Actor, row: GoalRow) -> None:
    """Refuse a goal outside what the actor may set (a supervisor: their teams and those teams' agents)."""
    owner = owner_of(session, row)
    if allowed(actor, Action.GOAL_MANAGE, owner):
        return
    field = row.scope if row.scope != "centre" else "scope"
    value = row.agent if row.scope == "agent" else row.team if row.scope == "team" else "centre"
    reason = (
        "a supervisor sets goals of the teams they lead and of their agents"
        if allowed(actor, Action.GOAL_MANAGE)
        else "only admins and supervisors set goals"
    )
    raise CallqaError(ErrorCode.V153, field=field, value=value, reason=reason)


def create_goal(session: Session, actor: Actor, data: GoalIn, *, now: datetime | None = None) -> GoalRow:
    """A new goal set by ``actor``."""
    now = now or datetime.now(UTC)
    row = GoalRow(**_checked(session, actor, data), created_by=actor.user_id, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def update_goal(
    session: Session, actor: Actor, row: GoalRow, data: GoalIn, *, now: datetime | None = None
) -> GoalRow:
    """Replace what the goal sets; both the goal as it was and as it becomes must be in the actor's scope."""
    _in_scope(session, actor, row)
    for key, value in _checked(session, actor, data).items():
        setattr(row, key, value)
    row.updated_at = now or datetime.now(UTC)
    session.flush()
    return row


def delete_goal(session: Session, actor: Actor, row: GoalRow) -> None:
    _in_scope(session, actor, row)
    session.delete(row)
    session.flush()


def get_goal(session: Session, goal_id: int) -> GoalRow:
    row = session.get(GoalRow, goal_id)
    if row is None:
        raise CallqaError(ErrorCode.V154, goal=goal_id)
    return row


def resolved(session: Session, rows: list[GoalRow]) -> list[Goal]:
    """The rows as goals, criteria titled."""
    titles = _criteria(session) if any(r.criterion for r in rows) else {}
    return [
        Goal(
            r.id,
            GOAL_METRICS[r.metric],
            r.criterion,
            titles.get(r.criterion or "", r.criterion),
            r.scope,
            r.team,
            r.agent,
            cast(PeriodKind, r.period),
            r.starts_on,
            r.target,
        )
        for r in rows
        if r.metric in GOAL_METRICS
    ]


def visible_goals(session: Session, actor: Actor) -> list[GoalRow]:
    """The goals ``actor`` may see: centre-wide ones, and those of teams and agents in their scope."""
    rows = list(
        session.scalars(select(GoalRow).order_by(GoalRow.scope, GoalRow.team, GoalRow.agent, GoalRow.id))
    )
    teams: dict[str, str | None] = {}
    out = []
    for row in rows:
        if row.scope == "agent" and row.agent is not None and row.agent not in teams:
            teams[row.agent] = agent_team(session, row.agent)
        owner = (
            Owner(row.agent, teams.get(row.agent or "")) if row.scope == "agent" else owner_of(session, row)
        )
        if allowed(actor, Action.GOAL_VIEW, owner):
            out.append(row)
    return out


def goals_for(
    session: Session, *, scope: str, team: str | None = None, agent: str | None = None
) -> list[GoalRow]:
    """The goals set for exactly this scope (the centre, one team, or one agent)."""
    query = select(GoalRow).where(GoalRow.scope == scope).order_by(GoalRow.id)
    if scope == "team":
        query = query.where(GoalRow.team == team)
    if scope == "agent":
        query = query.where(GoalRow.agent == agent)
    return list(session.scalars(query))


def agents_in_scope(session: Session, actor: Actor) -> list[str]:
    """The agents of the interactions ``actor`` sees, sorted: the choices of a goal's agent."""
    query = select(InteractionRow.agent).where(InteractionRow.agent.is_not(None), interaction_scope(actor))
    return sorted({a for a in session.scalars(query.distinct()) if a})
