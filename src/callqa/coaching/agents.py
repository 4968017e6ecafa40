"""Agents as the data knows them: every ``agent`` on the interactions, with or without a user account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, distinct, func, select
from sqlalchemy.orm import Session

from callqa.access.policies import Owner
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import EvaluationRow
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import UserRole


@dataclass(frozen=True)
class AgentRef:
    """An agent: ``name`` is the ``agent`` on their interactions; ``username`` only with an account."""

    name: str
    display_name: str
    team: str | None
    user_id: int | None = None
    username: str | None = None

    @property
    def key(self) -> str:
        """What the agent's page is addressed by: the username, else the agent name."""
        return self.username or self.name

    @property
    def owner(self) -> Owner:
        return Owner(agent=self.name, team=self.team)


@dataclass(frozen=True)
class AgentStats:
    agent: AgentRef
    interactions: int
    mean_score: float | None  # the official score (a shared review's where a person changed it)
    last_at: datetime | None


def _accounts(session: Session) -> dict[str, AgentRef]:
    """Agent accounts by agent name."""
    query = (
        select(UserRow, TeamRow.name)
        .outerjoin(TeamRow, TeamRow.id == UserRow.team_id)
        .where(UserRow.role == UserRole.AGENT.value, UserRow.agent_name.is_not(None))
    )
    return {
        str(user.agent_name): AgentRef(str(user.agent_name), user.display_name, team, user.id, user.username)
        for user, team in session.execute(query)
    }


def _latest_team(session: Session, name: str) -> str | None:
    query = (
        select(InteractionRow.team)
        .where(InteractionRow.agent == name)
        .order_by(InteractionRow.started_at.desc().nulls_last(), InteractionRow.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def find_agent(session: Session, key: str) -> AgentRef | None:
    """The agent a page address names: an agent's username, or an agent name found on the interactions."""
    user = session.scalar(
        select(UserRow).where(UserRow.username == key, UserRow.role == UserRole.AGENT.value)
    )
    if user is not None and user.agent_name:
        return _accounts(session).get(user.agent_name)
    account = _accounts(session).get(key)
    if account is not None:
        return account
    if session.scalar(select(InteractionRow.id).where(InteractionRow.agent == key).limit(1)) is None:
        return None
    return agent_named(session, key)


def agent_of_interaction(session: Session, interaction_id: int) -> AgentRef | None:
    """Whose work an interaction is (None: no such interaction, or it names no agent)."""
    name = session.scalar(select(InteractionRow.agent).where(InteractionRow.id == interaction_id))
    return agent_named(session, name) if name else None


def agents_in_scope(session: Session, scope: ColumnElement[bool]) -> list[AgentStats]:
    """Every agent named on the interactions ``scope`` keeps, with their interaction count, official mean
    score and last interaction, by display name."""
    query = (
        select(
            InteractionRow.agent,
            func.count(distinct(InteractionRow.id)),
            func.avg(EvaluationRow.score),
            func.max(InteractionRow.started_at),
        )
        .outerjoin(
            EvaluationRow,
            and_(EvaluationRow.interaction_id == InteractionRow.id, EvaluationRow.is_current.is_(True)),
        )
        .where(scope, InteractionRow.agent.is_not(None), InteractionRow.agent != "")
        .group_by(InteractionRow.agent)
    )
    accounts = _accounts(session)
    out = []
    for name, count, mean, last in session.execute(query):
        agent = accounts.get(name) or AgentRef(name, name, _latest_team(session, name))
        score = None if mean is None else round(float(mean), 1)
        out.append(AgentStats(agent, int(count), score, last))
    return sorted(out, key=lambda s: (s.agent.display_name.casefold(), s.agent.name))


def accounts_without_work(session: Session, named: set[str]) -> list[AgentStats]:
    """Agent accounts with no interaction yet (the caller keeps those the actor may see)."""
    return [
        AgentStats(ref, 0, None, None)
        for name, ref in sorted(_accounts(session).items())
        if name not in named
    ]


def agent_named(session: Session, name: str) -> AgentRef:
    """The agent with this agent name: their account's, else as the interactions name them."""
    return _accounts(session).get(name) or AgentRef(name, name, _latest_team(session, name))


def owners(session: Session, agent: AgentRef) -> list[Owner]:
    """Whose work the agent's file is: their account's team, or (no account) each team they worked in."""
    if agent.user_id is not None:
        return [agent.owner]
    teams = session.scalars(
        select(InteractionRow.team).where(InteractionRow.agent == agent.name).distinct()
    ).all()
    return [Owner(agent=agent.name, team=t) for t in teams] or [agent.owner]
