"""An erased customer leaves the channel-preference report: no keys, no interactions, no pseudonym."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from callqa.channels.customers import pseudonym
from callqa.channels.report import Days, channel_report
from callqa.interactions.models import CustomerKeyRow, InteractionRow
from callqa.lifecycle.erasure import erase_customer
from callqa.lifecycle.holds import Actor
from callqa.storage.files import FileStore
from channels_support import customers, email, keyed_factory
from support import Database

pytestmark = [pytest.mark.db, pytest.mark.issue(21)]
NOVEMBER = Days(date(2026, 11, 1), date(2026, 11, 30), ZoneInfo("UTC"))


def test_an_erased_customer_is_gone_from_the_report(db: Database, tmp_path: Path) -> None:
    customers(db.engine, movers=6, others=0)
    factory = keyed_factory(db.engine)
    with factory() as session:
        before = channel_report(session, NOVEMBER)
        theirs = (
            select(CustomerKeyRow.key)
            .join(InteractionRow)
            .where(InteractionRow.external_id.in_(["v0", "c0"]))
        )
        name = pseudonym(min(session.scalars(theirs)))
    assert before.customers == 6 and name in {j.pseudonym for j in before.journeys}
    with factory.begin() as session:  # asked by e-mail; the call is theirs too (the shared account id)
        erased = erase_customer(session, FileStore(tmp_path / "files"), email(0), Actor("dpo"))
    assert erased.interactions == 2
    with factory() as session:
        after = channel_report(session, NOVEMBER)
    assert name not in {j.pseudonym for j in after.journeys}
    assert len(after.journeys) == 5 and after.customers == 5
    assert {s.segment.key: s.customers for s in after.segments}["move:voice:chat"] == 5
