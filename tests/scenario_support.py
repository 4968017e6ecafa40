"""The demo calls, stored and scored, for the scenario-library tests (importable as ``scenario_support``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole

# Demo calls with a failed criterion: en-call-03 (the agent read a card number back at turn 6, answering the
# customer's turn 5, which held the number), a Persian call whose greeting failed without evidence, and a
# Chinese call whose hold etiquette failed at turn 6.
EN_CARD_CALL = "en-call-03"
FA_CALL = "acb-fa-20260923-1377"
ZH_CALL = "acb-zhs-20260926-0519"


def interaction_id(session: Session, external_id: str) -> int:
    found = session.scalar(select(InteractionRow.id).where(InteractionRow.external_id == external_id))
    assert found is not None, external_id
    return int(found)


def demo_actor(session: Session, username: str = "analyst") -> Actor:
    row = session.scalars(select(UserRow).where(UserRow.username == username)).one()
    return Actor(row.id, row.username, row.display_name, UserRole(row.role))
