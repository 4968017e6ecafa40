"""Hand-built customers for channel-preference tests, stored as the runtime stores interactions: through a
session with a customer keyer, each with its contact reason (importable as ``channels_support``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.document import Interaction
from callqa.interactions.service import StoreItem, store_interactions
from callqa.lifecycle.customer_key import attach_keyer
from callqa.privacy.customer_keys import CustomerKeyer
from callqa.scoring.models import AnalysisRow

DAY = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
PERIOD = {"since": "2026-11-01", "until": "2026-11-30"}


def phone(i: int) -> str:
    return f"+44 7700 900{i:03d}"


def email(i: int) -> str:
    return f"harriet.{i}@example.org"


def account(i: int) -> str:
    return f"AC-77{i:03d}"


def raw_values(count: int) -> list[str]:
    """Every raw identifier of the test customers, in the forms it could leak in."""
    out = []
    for i in range(count):
        out += [
            phone(i),
            phone(i).replace(" ", ""),
            f"7700900{i:03d}",
            email(i),
            account(i),
            account(i).lower(),
        ]
    return out


def keyed_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    attach_keyer(factory, CustomerKeyer(b"k" * 32, "44"))
    return factory


def store(engine: Engine, docs: list[tuple[Interaction, str]]) -> None:
    with keyed_factory(engine).begin() as session:
        stored = store_interactions(session, [StoreItem(doc) for doc, _ in docs])
        session.execute(
            insert(AnalysisRow),
            [
                {
                    "interaction_id": s.interaction_id,
                    "pipeline": "test",
                    "interaction_hash": "",
                    "language": "en",
                    "data": {"reason": {"id": reason, "title": reason}},
                    "created_at": DAY,
                }
                for s, (_, reason) in zip(stored, docs, strict=True)
            ],
        )


def customers(engine: Engine, movers: int, others: int) -> None:
    """``movers`` customers call (phone number + account id) about a blocked card and come back a day later
    on chat (e-mail address + the same account id): phone-first, resolved on chat. ``others`` write one
    e-mail about fees and are not heard of again. The movers are Team North's, the others Team Shanghai's."""
    docs: list[tuple[Interaction, str]] = []
    for i in range(movers):
        common = {"team": "Team North", "agent": "j.smith", "metadata": {"account_id": account(i)}}
        call = Interaction(external_id=f"v{i}", channel="voice", customer=phone(i), started_at=DAY, **common)
        later = DAY + timedelta(days=1)
        chat = Interaction(external_id=f"c{i}", channel="chat", customer=email(i), started_at=later, **common)
        docs += [(call, "card_blocked_pin"), (chat, "card_blocked_pin")]
    for i in range(movers, movers + others):
        mail = Interaction(
            external_id=f"e{i}", channel="email", customer=email(i), started_at=DAY, team="Team Shanghai"
        )
        docs.append((mail, "fees_charges"))
    store(engine, docs)
