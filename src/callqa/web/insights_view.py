"""What the dashboard page shows: the filter read from the query string within the viewer's scope, the
figures, and charts whose every mark drills down to the interactions behind it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from fastapi import HTTPException
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.insights import dashboard
from callqa.insights.dashboard import DashboardFilter
from callqa.users.schemas import Actor, UserRole

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 90


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None


def read_filter(
    session: Session, actor: Actor, params: Mapping[str, str], *, today: date, low_score: float
) -> DashboardFilter:
    """The dashboard filter of the query string, narrowed to what ``actor`` may see (404 beyond it)."""
    period = params.get("period", "").strip()
    days = int(period) if period.isdigit() and int(period) > 0 else DEFAULT_PERIOD
    until = _day("until", params["until"]) if params.get("until", "").strip() else today
    since = _day("since", params["since"]) if params.get("since", "").strip() else until - timedelta(days - 1)
    if since > until:
        raise HTTPException(422, f"since: {since} is after until {until}")
    team = params.get("team", "").strip() or None
    agent = params.get("agent", "").strip() or None
    channel = params.get("channel", "").strip() or None
    if actor.role is UserRole.AGENT:
        agent = actor.agent_name or "\0"  # an agent's dashboard is their own
    teams = frozenset(actor.led_teams) if actor.role is UserRole.SUPERVISOR else None
    owner = None
    if agent is not None:
        owner = Owner(agent=agent, team=dashboard.agent_team(session, agent))
    elif team is not None:
        owner = Owner(agent=None, team=team)
    if not allowed(actor, Action.INSIGHTS_VIEW, owner):
        raise HTTPException(404, "not found")
    return DashboardFilter(since, until, team, agent, channel, teams, low_score)
