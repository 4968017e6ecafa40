"""Scenario content and people the training tests share."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from callqa.training.script import ScenarioContent, Script, Step
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole

ANALYST = Actor(1, "quinn", "Quinn", UserRole.QA_ANALYST)


def two_step_script(level: int = 1) -> Script:
    """The customer complains, the agent must show empathy; a miss angers them more (the harder branch)."""
    return Script(
        level=level,
        start="open",
        brief="A customer was charged twice for one order.",
        steps=(
            Step(
                id="open",
                customer="I was charged twice for the same order and nobody answers my e-mails.",
                criteria=("empathy",),
                key_point="Acknowledge the frustration before explaining.",
                on_pass="calm",
                on_miss="angry",
            ),
            Step(id="calm", customer="Thank you. So when will I get the money back?"),
            Step(
                id="angry",
                customer="You are not even listening to me! This is the third time I call.",
                mood="angry",
                criteria=("empathy",),
                on_pass="calm",
            ),
        ),
    )


def content(language: str = "en") -> ScenarioContent:
    return ScenarioContent(language=language, scripts=(two_step_script(),), tags=("billing", "empathy"))


def analyst_user(session: Session) -> Actor:
    """Store the analyst as a user and return the actor with the stored id."""
    row = UserRow(
        username=ANALYST.username,
        display_name=ANALYST.display_name,
        password_hash="!",
        role=ANALYST.role.value,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return Actor(row.id, row.username, row.display_name, ANALYST.role)
