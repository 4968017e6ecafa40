"""Demo users, one or more per role, matching the agents and teams of the bundled demo data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.users.models import UserRow
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user

DEMO_PASSWORD = "callqa-demo"  # documented in README and docs/web.md; demo databases only

DEMO_USERS = (
    UserCreate(username="admin", display_name="Alex Admin", password=DEMO_PASSWORD, role=UserRole.ADMIN),
    UserCreate(
        username="analyst", display_name="Quinn Analyst", password=DEMO_PASSWORD, role=UserRole.QA_ANALYST
    ),
    UserCreate(
        username="sam.lead",
        display_name="Sam Lead",
        password=DEMO_PASSWORD,
        role=UserRole.SUPERVISOR,
        leads=["Team North"],
    ),
    UserCreate(
        username="wang.fang",
        display_name="王芳",
        password=DEMO_PASSWORD,
        role=UserRole.SUPERVISOR,
        leads=["Team Shanghai", "Team Taipei"],
        locale="zh",
    ),
    UserCreate(
        username="j.smith",
        display_name="John Smith",
        password=DEMO_PASSWORD,
        role=UserRole.AGENT,
        agent_name="j.smith",
        team="Team North",
    ),
    UserCreate(
        username="li.wei",
        display_name="李伟",
        password=DEMO_PASSWORD,
        role=UserRole.AGENT,
        agent_name="li.wei",
        team="Team Shanghai",
        locale="zh",
    ),
)


def ensure_demo_users(session: Session) -> list[str]:
    """Create the demo users that do not exist yet; returns the usernames created."""
    existing = set(session.scalars(select(UserRow.username)))
    created = []
    for user in DEMO_USERS:
        if user.username not in existing:
            create_user(session, user)
            created.append(user.username)
    return created
