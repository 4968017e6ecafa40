"""The leaderboard: agents in the actor's scope ranked by official average score over a week, month or
quarter, with their interaction count, the change against the period before and their score goal.

An agent needs ``min_count`` scored interactions in the period to be ranked (fewer: listed unranked). An
agent sees only their own place and their team's median: other agents' names and scores are not theirs
to see (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.query import Days, InteractionQuery
from callqa.goals.models import GoalRow
from callqa.goals.periods import PeriodKind, period_of, previous
from callqa.goals.service import agent_team
from callqa.insights import dashboard
from callqa.insights.dashboard import Totals
from callqa.users.schemas import Actor, UserRole


@dataclass(frozen=True)
class Place:
    agent: str
    team: str
    n: int  # scored interactions in the period
    score: float | None  # official average score
    previous: float | None  # the same over the period before
    target: (
        float | None
    )  # the score goal that applies to the agent (theirs, else their team's, else the centre's)
    rank: int | None = None  # None: fewer scored interactions than the board asks

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous is None else self.score - self.previous

    @property
    def gap(self) -> float | None:
        return None if self.score is None or self.target is None else self.score - self.target

    @property
    def met(self) -> bool | None:
        return None if self.gap is None else self.gap >= 0

    def as_json(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "team": self.team,
            "rank": self.rank,
            "interactions": self.n,
            "score": self.score,
            "previous": self.previous,
            "change": self.change,
            "target": self.target,
            "gap": self.gap,
            "met": self.met,
        }


@dataclass(frozen=True)
class Board:
    kind: PeriodKind
    days: Days
    before: Days
    min_count: int
    places: list[Place]  # an agent's board: their own place only
    ranked: int  # how many agents are ranked
    median: float | None  # the ranked agents' median score
    own: Place | None = None  # the signed-in agent's place (agents only)
    team: str | None = None  # the team an agent's place is counted in

    def as_json(self, *, names: bool = True) -> dict[str, object]:
        return {
            "period": self.kind,
            "since": self.days.first.isoformat(),
            "until": self.days.last.isoformat(),
            "min_interactions": self.min_count,
            "ranked": self.ranked,
            "median": self.median,
            "team": self.team,
            "own": self.own.as_json() if self.own else None,
            "places": [p.as_json() for p in self.places] if names else [],
        }


def _by_agent(session: Session, flt: InteractionQuery) -> dict[str, tuple[str, Totals]]:
    """Each agent's totals over the query (an agent who changed teams: the team with most interactions)."""
    teams: dict[str, list[tuple[int, str, Totals]]] = {}
    for line in dashboard.agents(session, flt):
        if line.agent:
            teams.setdefault(line.agent, []).append((line.totals.n, line.team, line.totals))
    out: dict[str, tuple[str, Totals]] = {}
    for agent, lines in teams.items():
        total = Totals()
        for _, _, totals in lines:
            total = total + totals
        out[agent] = (max(lines, key=lambda t: (t[0], t[1]))[1], total)
    return out


def _score_targets(session: Session, kind: PeriodKind, last: date) -> dict[tuple[str, str | None], float]:
    """The score goals started by ``last``, by (scope, team or agent): a goal of the board's period kind
    before others, the newest first."""
    rows = session.scalars(
        select(GoalRow).where(GoalRow.metric == "score", GoalRow.starts_on <= last).order_by(GoalRow.id)
    )
    out: dict[tuple[str, str | None], tuple[bool, float]] = {}
    for row in rows:
        key = (row.scope, row.agent if row.scope == "agent" else row.team if row.scope == "team" else None)
        same = row.period == kind
        if key not in out or same or not out[key][0]:
            out[key] = (same, row.target)
    return {k: v for k, (_, v) in out.items()}


def _target(targets: dict[tuple[str, str | None], float], agent: str, team: str) -> float | None:
    for key in (("agent", agent), ("team", team), ("centre", None)):
        if key in targets:
            return targets[key]
    return None


def _scope(session: Session, actor: Actor, days: Days) -> tuple[InteractionQuery, str | None]:
    """The board's query for the actor: everyone, a supervisor's teams, or an agent's own team."""
    if actor.role is UserRole.SUPERVISOR:
        return InteractionQuery(days=days, teams=frozenset(actor.led_teams)), None
    if actor.role is UserRole.AGENT:
        agent = actor.agent_name or "\0"
        team = agent_team(session, agent) or actor.team
        if team is None:
            return InteractionQuery(days=days, agent=agent), None
        return InteractionQuery(days=days, team=team), team
    return InteractionQuery(days=days), None


def leaderboard(session: Session, actor: Actor, kind: PeriodKind, day: date, *, min_count: int) -> Board:
    """The ranking over the ``kind`` period holding ``day``, in ``actor``'s scope."""
    days = period_of(kind, day)
    before = previous(kind, days)
    flt, team = _scope(session, actor, days)
    now = _by_agent(session, flt)
    then = _by_agent(session, flt.day_view(before))
    targets = _score_targets(session, kind, days.last)
    places = [
        Place(
            agent,
            line_team,
            totals.scored,
            totals.mean_score,
            then[agent][1].mean_score if agent in then else None,
            _target(targets, agent, line_team),
        )
        for agent, (line_team, totals) in now.items()
    ]
    ranked = sorted(
        (p for p in places if p.n >= min_count and p.score is not None),
        key=lambda p: (-(p.score or 0), -p.n, p.agent),
    )
    out: list[Place] = []
    for i, place in enumerate(ranked):
        tied = out and round(out[-1].score or 0, 6) == round(place.score or 0, 6)
        out.append(replace(place, rank=out[-1].rank if tied else i + 1))
    out += sorted((p for p in places if p not in ranked), key=lambda p: p.agent)
    middle = median([p.score for p in ranked if p.score is not None]) if ranked else None
    if actor.role is not UserRole.AGENT:
        return Board(kind, days, before, min_count, out, len(ranked), middle)
    own = next((p for p in out if p.agent == actor.agent_name), None)
    return Board(kind, days, before, min_count, [own] if own else [], len(ranked), middle, own, team)
