"""The teams an admin chooses from: those of the teams table and those the interactions carry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.users.teams import team_names


def known_teams(session: Session) -> list[str]:
    """Every team name in use, sorted: the teams table and the ``team`` of stored interactions."""
    stored = session.scalars(select(InteractionRow.team).where(InteractionRow.team.is_not(None)).distinct())
    return sorted({*team_names(session), *(t for t in stored if t)})
