"""Shift-bidding test helpers: two teams and users of every role, a round with its CSV files, the web app
over them (importable as ``bidding_support``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.orm import Session

from callqa.core.settings import Settings
from callqa.demo.users import DEMO_PASSWORD
from callqa.shifts import service
from callqa.shifts.models import ShiftRoundRow
from callqa.shifts.schemas import RoundIn
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user
from callqa.users.teams import create_team
from callqa.web.app import create_app
from support import Database
from web_support import Web

# ann (hired 2015) is more senior than bob (2020); both in North, as is dee (no hire date); cy is in South.
PEOPLE = (
    ("admin", UserRole.ADMIN, None, [], None),
    ("analyst", UserRole.QA_ANALYST, None, [], None),
    ("lead", UserRole.SUPERVISOR, None, ["North"], None),
    ("southlead", UserRole.SUPERVISOR, None, ["South"], None),
    ("ann", UserRole.AGENT, "North", [], date(2015, 3, 1)),
    ("bob", UserRole.AGENT, "North", [], date(2020, 6, 1)),
    ("dee", UserRole.AGENT, "North", [], None),
    ("cy", UserRole.AGENT, "South", [], date(2010, 1, 1)),
)

# Week 1: E (early, 2 seats), L (late, 1 seat, needs 'loans'), D (day, no limit); week 2: E2, L2.
SHIFTS_CSV = b"""shift_id,block,label,date,start,end,seats,skills
E,W1,Early Mon-Tue,2027-01-04,06:00,14:00,2,
E,W1,,2027-01-05,06:00,14:00,,
L,W1,Late Mon,2027-01-04,14:00,22:00,1,loans
D,W1,Day Mon,2027-01-04,09:00,17:00,,
E2,W2,Early Mon,2027-01-11,06:00,14:00,2,
L2,W2,Late Mon,2027-01-11,14:00,22:00,2,
"""
DEMANDS_CSV = b"""date,start,end,skill,headcount
2027-01-04,06:00,14:00,,1
2027-01-04,14:00,22:00,loans,1
"""
AGENTS_CSV = b"""agent,skills,blocks
ann,loans;cards,
bob,cards,
dee,,W1
"""


def people(session: Session) -> dict[str, int]:
    """The users above (and their teams); their ids by user name."""
    create_team(session, "North")
    create_team(session, "South")
    ids = {}
    for name, role, team, leads, hired in PEOPLE:
        user = create_user(
            session,
            UserCreate(
                username=name,
                display_name=name.title(),
                password=DEMO_PASSWORD,
                role=role,
                agent_name=name if role is UserRole.AGENT else None,
                team=team,
                leads=leads,
                hired_on=hired,
            ),
        )
        ids[name] = user.id
    return ids


def new_round(
    session: Session,
    name: str = "January",
    *,
    team: str | None = "North",
    order: list[str] | None = None,
    max_choices: int = 3,
    opens_in: timedelta = timedelta(hours=-1),
) -> ShiftRoundRow:
    """A round of blocks W1 and W2 whose window is open now for a day."""
    now = datetime.now(UTC)
    data = RoundIn(
        name=name,
        team=team,
        blocks=["W1", "W2"],
        opens_at=now + opens_in,
        closes_at=now + timedelta(days=1),
        order=order or ["fairness", "seniority", "skills"],
        max_choices=max_choices,
    )
    return service.create_round(session, data, by=None)


def filled_round(session: Session, name: str = "January", **kwargs: object) -> ShiftRoundRow:
    """A round with the shifts, demands and agents above, open for bids."""
    row = new_round(session, name, **kwargs)  # type: ignore[arg-type]
    service.import_shifts(session, row, SHIFTS_CSV, "shifts.csv")
    service.import_demands(session, row, DEMANDS_CSV, "demands.csv")
    service.import_agents(session, row, AGENTS_CSV, "agents.csv")
    service.open_round(session, row)
    return row


def web_over(db: Database, tmp_path: Path) -> Web:
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    return Web(db, create_app(settings, engine=db.engine), settings)
