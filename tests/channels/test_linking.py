"""Customer linking looks back ``channels_link_days`` (default 90) before the period: keys tied by an older
interaction make one customer, though that interaction is no contact of the period; SQLite and PostgreSQL,
through the library and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from callqa.channels.customers import DEFAULT_LINK_DAYS, journeys
from callqa.channels.report import Days
from callqa.core.document import Interaction
from callqa.core.settings import Settings
from callqa.demo.users import ensure_demo_users
from callqa.web.app import create_app
from channels_support import DAY, PERIOD, account, email, phone, store
from support import Database
from web_support import Web

pytestmark = [pytest.mark.db, pytest.mark.issue(21)]

START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = Days(START.date(), datetime(2026, 11, 30).date(), UTC)  # type: ignore[arg-type]


def _customer_tied_60_days_before(db: Database) -> None:
    """A logged-in call 60 days before the period ties the phone number to the account; in the period the
    customer calls from that phone (no account) and e-mails from an address with the account id."""
    tie = Interaction(
        external_id="tie",
        channel="voice",
        customer=phone(1),
        started_at=START - timedelta(days=60),
        metadata={"account_id": account(1)},
    )
    call = Interaction(external_id="call", channel="voice", customer=phone(1), started_at=DAY)
    mail = Interaction(
        external_id="mail",
        channel="email",
        customer=email(1),
        started_at=DAY + timedelta(days=2),
        metadata={"account_id": account(1)},
    )
    store(db.engine, [(tie, "card_blocked_pin"), (call, "card_blocked_pin"), (mail, "fees_charges")])


def test_an_older_interaction_ties_a_customer_within_the_look_back(db: Database) -> None:
    _customer_tied_60_days_before(db)
    assert DEFAULT_LINK_DAYS == 90
    with db.factory() as session:
        linked = journeys(session, DAYS.period())
        assert len(linked) == 1
        (one,) = linked
        assert [c.channel for c in one.contacts] == ["voice", "email"]  # the tie is no contact
        assert [i.reason for i in one.issues] == ["card_blocked_pin", "fees_charges"]
        short = journeys(session, DAYS.period(link_days=59))  # the tie is out of reach: two customers
        assert sorted(len(j.contacts) for j in short) == [1, 1]
        assert one.pseudonym in {j.pseudonym for j in short}  # the smaller key's side keeps its name
        assert len(journeys(session, DAYS.period(link_days=0))) == 2


def test_the_setting_decides_what_the_api_counts(db: Database, tmp_path: Path) -> None:
    with db.factory.begin() as session:
        ensure_demo_users(session)
    _customer_tied_60_days_before(db)
    counted = {}
    for link_days in (90, 30):
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=db.url,
            secret_key=SecretStr("t" * 40),
            channels_link_days=link_days,
        )
        web = Web(db, create_app(settings, engine=db.engine), settings)
        found = web.signed_in("analyst").client.get("/api/channels/customers", params=PERIOD).json()
        counted[link_days] = (found["total"], sorted(c["contacts"] for c in found["customers"]))
    assert counted == {90: (1, [2]), 30: (2, [1, 1])}
