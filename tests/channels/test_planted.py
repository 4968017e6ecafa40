"""The channel behaviour planted in a small synthetic centre is found again from the customer keys alone."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from callqa.channels.customers import pseudonym
from callqa.channels.report import Days, channel_report, csv_table
from callqa.insights.synthetic import CentreShape, generate_centre
from callqa.insights.synthetic_channels import MOVERS, ChannelPlan
from callqa.interactions.models import CustomerKeyRow, InteractionRow
from callqa.lifecycle.customer_key import attach_keyer
from callqa.privacy.customer_keys import CustomerKeyer
from support import Database

pytestmark = [pytest.mark.db, pytest.mark.issue(21)]

SHAPE = CentreShape(count=6000, agents=20, teams=2, days=30, until=date(2026, 11, 1))
KEYER = CustomerKeyer(b"synthetic-secret" * 2)


def test_planted_channel_behaviour_is_recovered(db: Database) -> None:
    factory = sessionmaker(bind=db.engine, expire_on_commit=False)
    attach_keyer(factory, KEYER)
    with factory.begin() as session:
        generate_centre(session, SHAPE)
    with factory() as session:
        keyed = session.scalar(select(func.count(func.distinct(CustomerKeyRow.interaction_id))))
        total = session.scalar(select(func.count(InteractionRow.id)))
        found = channel_report(session, Days(date(2026, 10, 3), date(2026, 11, 1), ZoneInfo("UTC")))
    # every interaction whose customer id has two digits or more is keyed (cust-0 … cust-9 are not ids)
    assert total == SHAPE.count and keyed is not None and keyed > 0.95 * SHAPE.count

    # the preferred channel: measured = planted for most customers seen at least twice
    planted = ChannelPlan(int(SHAPE.count * 0.6), SHAPE.seed).preferred
    truth = {pseudonym(KEYER.key("id", f"cust-{i}")): channel for i, channel in enumerate(planted)}
    repeat = [j for j in found.journeys if len(j.contacts) >= 2]
    agree = sum(j.preferred_channel == truth[j.pseudonym] for j in repeat) / len(repeat)
    assert len(repeat) > 500 and agree > 0.85

    # first-contact resolution differs by channel as planted: chat > phone > e-mail
    fcr = {r.channel: r.first_time for r in found.channels}
    assert fcr["chat"] is not None and fcr["voice"] is not None and fcr["email"] is not None
    assert fcr["chat"] > fcr["voice"] + 0.05 > fcr["email"] + 0.05

    # the movers start on the phone and end on chat far more often than other reasons
    to_chat = {
        m.reason: m.share for m in found.moves if (m.start, m.end) == ("voice", "chat") and not m.hidden
    }
    others = [share for reason, share in to_chat.items() if reason not in MOVERS and share is not None]
    for reason in MOVERS:
        share = to_chat[reason]
        assert share is not None and share > 0.25 and share > 3 * max(others), (reason, to_chat)
    sizes = {s.segment.key: s.customers for s in found.segments}
    assert sizes["move:voice:chat"] is not None and sizes["move:voice:chat"] > 200
    assert "cust-" not in csv_table(found, "customers")  # pseudonyms only, never the customer field
