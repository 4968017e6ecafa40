"""An agent's home page: their goals with progress, their latest scores, the coaching action items still to
do, their open disputes, and the way to their quality file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.coaching.service import coaching_for
from callqa.goals.service import agent_team
from callqa.interactions.models import InteractionRow
from callqa.review.inbox import InboxItem, open_disputes
from callqa.scoring.models import EvaluationRow
from callqa.users.schemas import Actor
from callqa.views.goals import GoalLine, agent_goals

RECENT = 10  # latest scores shown


@dataclass(frozen=True)
class RecentScore:
    interaction_id: int
    external_id: str
    started_at: datetime | None
    score: float | None  # the official score
    reviewed: bool


@dataclass(frozen=True)
class OpenAction:
    coaching_id: int
    coaching: str  # the coaching talk's title
    text: str
    due_on: date | None


@dataclass(frozen=True)
class Home:
    goals: list[GoalLine]
    recent: list[RecentScore]
    actions: list[OpenAction]
    disputes: list[InboxItem]


def recent_scores(session: Session, agent: str, limit: int = RECENT) -> list[RecentScore]:
    """The agent's latest scored interactions, newest first, with their official score."""
    rows = session.execute(
        select(InteractionRow.id, InteractionRow.external_id, InteractionRow.started_at, EvaluationRow)
        .join(EvaluationRow, EvaluationRow.interaction_id == InteractionRow.id)
        .where(InteractionRow.agent == agent, EvaluationRow.is_current.is_(True))
        .order_by(InteractionRow.started_at.desc(), InteractionRow.id.desc())
        .limit(limit)
    )
    return [
        RecentScore(i, external, started, ev.score, ev.review_state is not None)
        for i, external, started, ev in rows
    ]


def open_actions(session: Session, agent: str) -> list[OpenAction]:
    """Coaching action items not ticked yet, of coaching not closed, the soonest due first."""
    items = [
        OpenAction(c.id, c.title, a.text, a.due_on)
        for c in coaching_for(session, agent)
        if c.state != "closed"
        for a in c.actions
        if not a.done
    ]
    return sorted(items, key=lambda a: (a.due_on is None, a.due_on or date.min, a.coaching_id))


def agent_home(
    session: Session, actor: Actor, *, today: date, target_days: int, gettext: Callable[[str], str] = N_
) -> Home:
    """What the signed-in agent's home page shows."""
    agent = actor.agent_name or "\0"
    team = agent_team(session, agent) or actor.team
    return Home(
        goals=agent_goals(session, agent, team, today, gettext),
        recent=recent_scores(session, agent),
        actions=open_actions(session, agent),
        disputes=open_disputes(session, actor, target_days=target_days),
    )
