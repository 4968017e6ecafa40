"""Goals as pages show them: the goals that apply to a dashboard's scope (with the target line of a score
goal), each in a sentence, and an agent's own goals measured on their work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.core.query import InteractionQuery
from callqa.goals.progress import GoalProgress, progress, sentence
from callqa.goals.service import Goal, goals_for, resolved
from callqa.insights.dashboard import period


@dataclass(frozen=True)
class GoalLine:
    progress: GoalProgress
    title: str  # the metric in words
    text: str  # "Team North: 82.4 against a target of 85 — 2.6 below"


def _scope_of(flt: InteractionQuery) -> tuple[str, str | None] | None:
    """The goal scope a dashboard shows: an agent, one team, or the whole centre (None: several teams)."""
    if flt.agent is not None:
        return ("agent", flt.agent) if flt.agent != "\0" else None
    if flt.team is not None:
        return "team", flt.team
    if flt.teams is not None:
        return ("team", next(iter(flt.teams))) if len(flt.teams) == 1 else None
    return "centre", None


def dashboard_goals(
    session: Session, flt: InteractionQuery, gettext: Callable[[str], str] = N_
) -> list[GoalLine]:
    """The goals set for the dashboard's scope, each over its period holding the dashboard's last day."""
    scope = _scope_of(flt)
    if scope is None:
        return []
    kind, name = scope
    rows = goals_for(
        session, scope=kind, team=name if kind == "team" else None, agent=name if kind == "agent" else None
    )
    who = name if name is not None else gettext("Whole centre")
    if kind == "agent":
        who = gettext("Agent %(name)s") % {"name": name}
    return [_line(session, g, period(flt).last, who, gettext) for g in resolved(session, rows)]


def _line(
    session: Session,
    goal: Goal,
    day: date,
    who: str,
    gettext: Callable[[str], str],
    flt: InteractionQuery | None = None,
) -> GoalLine:
    found = progress(session, goal, day, flt)
    return GoalLine(found, goal.metric.title(gettext, goal.criterion_title), sentence(found, who, gettext))


def target_line(lines: list[GoalLine], gettext: Callable[[str], str] = N_) -> tuple[float, str] | None:
    """The score goal's target and label, for the quality trend (the first score goal of the scope)."""
    for line in lines:
        if line.progress.goal.metric.id == "score":
            target = line.progress.goal.target
            return target, gettext("target %(target)s") % {"target": f"{target:g}"}
    return None


def agent_goals(
    session: Session, agent: str, team: str | None, day: date, gettext: Callable[[str], str] = N_
) -> list[GoalLine]:
    """The goals that apply to an agent, each measured on the agent's own work: their own goals, and their
    team's and the centre's where they set no goal of their own for the same metric and period."""
    rows = [
        *goals_for(session, scope="agent", agent=agent),
        *(goals_for(session, scope="team", team=team) if team else []),
        *goals_for(session, scope="centre"),
    ]
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    own = InteractionQuery(agent=agent)
    for goal in resolved(session, rows):
        key = (goal.metric.id, goal.criterion, goal.period)
        if key in seen:
            continue
        seen.add(key)
        who = {
            "agent": gettext("You"),
            "team": gettext("You (team goal)"),
            "centre": gettext("You (centre goal)"),
        }
        out.append(_line(session, goal, day, who[goal.scope], gettext, own))
    return out
