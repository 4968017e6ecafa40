"""Teams as an admin manages them: the list to choose from, an explicit "new team" step, and the check that a
user's team and teams led are among the known ones (a typo is refused, never made into a team)."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.users.models import TeamRow


def team_names(session: Session) -> list[str]:
    """Every team in the teams table, sorted."""
    return list(session.scalars(select(TeamRow.name).order_by(TeamRow.name)))


def create_team(session: Session, name: str) -> TeamRow:
    """A new team; refused when a team of that name exists (ignoring case: "team north" is Team North)."""
    name = " ".join(name.split())
    if not name or len(name) > 128 or not name.isprintable():
        raise CallqaError(ErrorCode.U105, team=name, reason="1 to 128 printable characters")
    # the exact name too: SQLite's lower() folds ASCII letters only ("À" stays "À")
    same = session.scalar(
        select(TeamRow.name).where(or_(TeamRow.name == name, func.lower(TeamRow.name) == name.lower()))
    )
    if same is not None:
        raise CallqaError(ErrorCode.U104, team=same)
    team = TeamRow(name=name, created_at=datetime.now(UTC))
    session.add(team)
    session.flush()
    return team


def check_known(username: str, teams: Iterable[str], known: Collection[str]) -> None:
    """U103 for the first of ``teams`` not in ``known``, suggesting the closest known name."""
    for team in teams:
        if team not in known:
            close = difflib.get_close_matches(team, list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise CallqaError(ErrorCode.U103, username=username, team=team, hint=hint)
