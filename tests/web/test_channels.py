"""The channel-preference page, API and CSV over real HTTP: figures of hand-built customers, pseudonyms only
(the raw phone numbers, e-mail addresses and account ids of the data appear nowhere), access per role,
audited exports, coded refusals; SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from callqa.audit.models import AuditRow
from callqa.interactions.models import CustomerKeyRow, InteractionRow
from callqa.lifecycle.customer_key import attach_keyer, backfill_customer_keys
from callqa.privacy.customer_keys import CustomerKeyer
from channels_support import PERIOD, customers, email, phone, raw_values
from web_support import Web

pytestmark = [pytest.mark.db, pytest.mark.issue(21)]

PSEUDONYM = re.compile(r"^c-[0-9a-f]{10}$")


def test_segments_channels_and_reasons_of_hand_built_customers(web: Web) -> None:
    customers(web.db.engine, movers=6, others=5)
    client = web.signed_in("analyst").client
    found = client.get("/api/channels/segments", params=PERIOD).json()
    assert found["customers"] == 11 and found["min_customers"] == 5
    sizes = {s["segment"]: s["customers"] for s in found["segments"]}
    assert sizes == {
        "first:voice": 6,
        "first:email": 5,
        "multichannel": 6,
        "move:voice:chat": 6,
    }
    label = {s["segment"]: s["label"] for s in found["segments"]}
    assert label["move:voice:chat"] == "phone-first, resolved on chat"
    channels = {c["channel"]: c for c in found["channels"]}
    assert channels["voice"]["first_time"] == 0.0 and channels["voice"]["issues"] == 6
    assert channels["email"]["first_time"] == 1.0 and channels["chat"]["resolved_here"] == 6
    reasons = client.get("/api/channels/reasons", params=PERIOD).json()
    moves = {(m["reason"], m["start"], m["end"]): m for m in reasons["moves"]}
    assert moves["card_blocked_pin", "voice", "chat"] | {"hidden": False} == {
        "reason": "card_blocked_pin",
        "start": "voice",
        "end": "chat",
        "hidden": False,
        "issues": 6,
        "customers": 6,
        "share": 1.0,
    }
    # the period before had nobody: its sizes are hidden, and so is the trend
    assert all(s["previous_customers"] is None and s["change_points"] is None for s in found["segments"])


def test_no_raw_identifier_in_the_page_api_or_csv(web: Web) -> None:
    customers(web.db.engine, movers=6, others=5)
    with web.db.factory() as session:  # the data holds raw identifiers: the output must not
        held = set(session.scalars(select(InteractionRow.customer)))
    assert phone(0) in held and email(0) in held
    client = web.signed_in("admin").client
    listed = client.get("/api/channels/customers", params=PERIOD).json()["customers"]
    assert len(listed) == 11 and all(PSEUDONYM.match(c["customer"]) for c in listed)
    paged = client.get("/api/channels/customers", params={**PERIOD, "offset": 8, "limit": 5}).json()
    assert paged["total"] == 11 and [c["customer"] for c in paged["customers"]] == [
        c["customer"] for c in listed[8:]
    ]
    # the mover's voice (phone + account) and chat (e-mail + account) are one customer
    movers = [c for c in listed if c["contacts"] == 2]
    assert len(movers) == 6 and all(c["first_channel"] == "voice" for c in movers)
    assert all(c["resolved_on"] == {"chat": 1} and c["resolved_first_time"] == 0 for c in movers)
    outputs = [client.get("/operations/channels", params=PERIOD).text]
    for path in ("segments", "reasons", "customers"):
        outputs.append(client.get(f"/api/channels/{path}", params=PERIOD).text)
    for table in ("segments", "channels", "moves", "reasons", "customers"):
        response = client.get(f"/api/channels/{table}.csv", params=PERIOD)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        outputs.append(response.text)
    assert listed[0]["customer"] in outputs[-1]  # the customers CSV names them by pseudonym
    for text in outputs:
        for raw in raw_values(11):
            assert raw not in text, raw


def test_the_page_shows_segments_with_the_k_anonymity_note(web: Web) -> None:
    customers(web.db.engine, movers=6, others=4)  # 4 e-mail-first customers: hidden
    page = web.signed_in("analyst").client.get("/operations/channels", params=PERIOD)
    assert page.status_code == 200
    html = page.text
    assert 'data-segment="move:voice:chat"' in html and "resolved on" in html
    assert 'data-test="k-anonymity"' in html and "fewer than 5" in html
    row = re.search(r'data-segment="first:email">(.*?)</tr>', html, re.S)
    assert row is not None and 'data-test="hidden"' in row.group(1)
    hub = web.signed_in("analyst").client.get("/operations").text
    assert 'data-test="channels-link"' in hub


def test_access_per_role_and_audited_exports(web: Web) -> None:
    customers(web.db.engine, movers=6, others=5)
    lead = web.signed_in("sam.lead").client  # leads Team North: the six movers
    seen = lead.get("/api/channels/segments", params=PERIOD).json()
    assert seen["customers"] == 6 and {s["segment"] for s in seen["segments"]} == {
        "first:voice",
        "multichannel",
        "move:voice:chat",
    }
    other = web.signed_in("wang.fang").client  # leads Team Shanghai: the five e-mail customers
    assert other.get("/api/channels/segments", params=PERIOD).json()["customers"] == 5
    assert lead.get("/api/channels/customers", params=PERIOD).status_code == 403
    assert lead.get("/api/channels/customers.csv", params=PERIOD).status_code == 403
    assert 'data-test="channels-link"' in lead.get("/operations").text
    agent = web.signed_in("j.smith").client
    for url in (
        "/operations/channels",
        "/api/channels/segments",
        "/api/channels/reasons",
        "/api/channels/moves.csv",
    ):
        assert agent.get(url).status_code == 403, url
    assert 'data-test="channels-link"' not in agent.get("/operations").text
    before = web.audit_count()
    assert lead.get("/api/channels/moves.csv", params=PERIOD).status_code == 200
    with web.db.factory() as session:
        last = session.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
        assert last is not None
        assert (last.action, last.resource, last.resource_id, last.username) == (
            "export",
            "channel_preferences",
            "moves.csv",
            "sam.lead",
        )
    assert web.audit_count() == before + 1


def test_bad_periods_and_tables_are_coded_refusals(web: Web) -> None:
    client = web.signed_in("admin").client
    bad_day = client.get("/api/channels/segments", params={"since": "2026-13-01"})
    assert bad_day.status_code == 422 and "O150" in bad_day.text and "since" in bad_day.text
    backwards = client.get("/api/channels/reasons", params={"since": "2026-11-30", "until": "2026-11-01"})
    assert backwards.status_code == 422 and "O151" in backwards.text
    unknown = client.get("/api/channels/everything.csv")
    assert unknown.status_code == 404 and "O152" in unknown.text
    with web.db.factory() as session:  # nothing keyed, nothing made up
        assert session.scalar(select(func.count(CustomerKeyRow.id))) == 0


def test_the_page_works_on_the_demo(web: Web) -> None:
    """The bundled demo has few customers with an identifier: the page shows what is there, sizes under
    the minimum hidden, and says why."""
    factory = sessionmaker(bind=web.db.engine, expire_on_commit=False)
    attach_keyer(factory, CustomerKeyer(b"k" * 32))
    keyed = backfill_customer_keys(factory)  # what `callqa db upgrade` does for data stored before keys
    with web.db.factory() as session:
        raw = {c for c in session.scalars(select(InteractionRow.customer)) if c}
    client = web.signed_in("analyst").client
    demo = {"since": "2026-09-01", "until": "2026-10-31"}
    page = client.get("/operations/channels", params=demo)
    assert page.status_code == 200
    assert 'data-test="k-anonymity"' in page.text
    found = client.get("/api/channels/segments", params=demo).json()
    listed = client.get("/api/channels/customers", params=demo).json()["customers"]
    assert keyed >= 1 and len(listed) == keyed  # each keyed demo interaction is a customer of their own
    assert found["customers"] == (keyed if keyed >= 5 else None)
    assert all(PSEUDONYM.match(c["customer"]) for c in listed)
    for text in (page.text, str(found), str(listed)):
        for value in raw:
            assert value not in text
