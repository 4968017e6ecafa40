"""Shift bidding in time: the pages show every instant in the centre's zone (named) and read the window typed
in the form in it while the API keeps ISO 8601 with the offset; a round whose window has ended counts as
closed everywhere without anyone closing it (audited once, as the system); the API writes outcome reasons
in the caller's language beside their stable codes. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select, update

from bidding_support import AGENTS_CSV, DEMANDS_CSV, SHIFTS_CSV, people
from callqa.audit.models import AuditRow
from callqa.core.i18n import translations
from callqa.core.settings import Settings
from callqa.shifts import reasons, service
from callqa.shifts.models import ShiftBidRow, ShiftOutcomeRow, ShiftRoundRow
from callqa.shifts.schemas import RoundIn
from callqa.users.models import UserRow
from callqa.web.app import create_app
from support import Database
from web_support import Web

pytestmark = pytest.mark.issue(21)
ZONE = "Asia/Kathmandu"  # UTC+05:45: no whole-hour slip can pass for it


def _web(db: Database, tmp_path: Path) -> Web:
    with db.factory.begin() as session:
        people(session)
    settings = Settings(
        data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40), timezone=ZONE
    )
    return Web(db, create_app(settings, engine=db.engine), settings)


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _filled(db: Database, closes_in: timedelta) -> int:
    """A round of North with the test files, opened, whose window closes ``closes_in`` from now."""
    now = datetime.now(UTC)
    data = RoundIn(
        name="January",
        team="North",
        blocks=["W1", "W2"],
        opens_at=now - timedelta(days=2),
        closes_at=now + closes_in,
    )
    with db.factory.begin() as session:
        row = service.create_round(session, data, by=None)
        service.import_shifts(session, row, SHIFTS_CSV, "shifts.csv")
        service.import_demands(session, row, DEMANDS_CSV, "demands.csv")
        service.import_agents(session, row, AGENTS_CSV, "agents.csv")
        service.open_round(session, row)
        return row.id


def _system_closes(db: Database) -> list[tuple[str, str | None, str]]:
    with db.factory() as session:
        query = select(AuditRow.username, AuditRow.client, AuditRow.action).where(
            AuditRow.resource == "shift_round", AuditRow.username == service.SYSTEM
        )
        return [tuple(r) for r in session.execute(query)]  # type: ignore[misc]


def test_pages_show_times_in_the_centre_zone_and_read_the_window_in_it(db: Database, tmp_path: Path) -> None:
    web = _web(db, tmp_path)
    lead, ann = web.signed_in("lead"), web.signed_in("ann")
    form = {
        "name": "March",
        "team": "North",
        "blocks": "W1 W2",
        "opens_at": "2026-01-01T08:00",
        "closes_at": "2099-01-01T08:00",
    }
    created = lead.post("/shifts", data=form, follow_redirects=False)
    round_id = int(created.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    api = _json(lead.client.get(f"/api/shift-rounds/{round_id}"))
    assert (api["opens_at"], api["closes_at"]) == ("2026-01-01T02:15:00+00:00", "2099-01-01T02:15:00+00:00")
    listed = lead.client.get("/shifts").text
    assert "<td>2026-01-01 08:00</td><td>2099-01-01 08:00</td>" in listed and f"({ZONE})" in listed
    page = lead.client.get(f"/shifts/{round_id}").text
    assert f"Bids from 2026-01-01 08:00 to 2099-01-01 08:00 ({ZONE})." in page and "02:15" not in page
    for kind, data in (("shifts", SHIFTS_CSV), ("demands", DEMANDS_CSV), ("agents", AGENTS_CSV)):
        lead.post(f"/shifts/{round_id}/upload", data={"kind": kind}, files={"file": (f"{kind}.csv", data)})
    lead.post(f"/shifts/{round_id}/open")
    assert f"Bids from 2026-01-01 08:00 to 2099-01-01 08:00 ({ZONE})." in ann.client.get("/shifts").text
    ann.post(f"/shifts/{round_id}/bid", data={"choice": ["L"]})
    stamps = {  # fixed instants: 10:00 UTC is 15:45 in Kathmandu
        "submitted": datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        "allocated": datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        "published": datetime(2026, 12, 3, 23, 30, tzinfo=UTC),
    }
    lead.post(f"/shifts/{round_id}/close")
    lead.post(f"/shifts/{round_id}/allocate")
    lead.post(f"/shifts/{round_id}/publish")
    with db.factory.begin() as session:
        row = session.get(ShiftRoundRow, round_id)
        assert row is not None and row.status == "published"
        row.allocated_at, row.published_at = stamps["allocated"], stamps["published"]
        session.execute(update(ShiftBidRow).values(submitted_at=stamps["submitted"]))
    shown = lead.client.get(f"/shifts/{round_id}").text
    assert "<td>2026-12-01 15:45</td>" in shown  # the bid, placed
    assert f"Allocated at 2026-12-02 15:45 · published at 2026-12-04 05:15 ({ZONE})" in shown
    assert "<th>From</th><th>Until</th>" in shown and "<th>until</th>" not in shown
    assert f"Times are the centre's local time ({ZONE})." in shown
    bid = _json(lead.client.get(f"/api/shift-rounds/{round_id}"))["bids"][0]
    assert bid["submitted_at"] == "2026-12-01T10:00:00+00:00"  # the API: ISO 8601 with the offset
    with db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "lead").values(locale="zh"))
    chinese = web.signed_in("lead").client.get(f"/shifts/{round_id}").text
    assert "<th>从</th><th>至</th>" in chinese and "Until" not in chinese


def test_a_round_past_its_window_counts_as_closed_everywhere(db: Database, tmp_path: Path) -> None:
    web = _web(db, tmp_path)
    lead, ann = web.signed_in("lead"), web.signed_in("ann")
    round_id = _filled(db, timedelta(seconds=-1))
    refused = _json(
        ann.client.put(
            f"/api/shift-rounds/{round_id}/bid", json={"choices": ["E"]}, headers={"x-csrf-token": ann.csrf}
        ),
        409,
    )
    assert refused["detail"] == "[O112] shift round 'January' is closed: cannot take bids"
    page = ann.post(f"/shifts/{round_id}/bid", data={"choice": ["E"]})
    assert page.status_code == 422 and "is closed: cannot take bids" in page.text  # type: ignore[attr-defined]
    assert "Bidding is closed; the results are not published yet." in ann.client.get("/shifts").text
    assert _json(lead.client.get("/api/shift-rounds"))["rounds"][0]["status"] == "closed"
    assert _json(lead.client.get(f"/api/shift-rounds/{round_id}"))["status"] == "closed"
    assert 'data-test="status">bidding closed<' in lead.client.get(f"/shifts/{round_id}").text
    assert _system_closes(db) == [("system", "system", "close")]  # once, however often it is read
    allocated = _json(lead.post(f"/api/shift-rounds/{round_id}/allocate"))
    assert allocated["status"] == "allocated" and allocated["outcomes"]
    assert _system_closes(db) == [("system", "system", "close")]


def test_closing_on_read_is_done_once_by_two_readers(db: Database) -> None:
    with db.factory.begin() as session:
        people(session)
    round_id = _filled(db, timedelta(hours=1))
    later = datetime.now(UTC) + timedelta(hours=2)
    with db.factory() as first, db.factory() as second:
        one, two = first.get(ShiftRoundRow, round_id), second.get(ShiftRoundRow, round_id)
        assert one is not None and two is not None and one.status == two.status == "open"
        assert not service.close_if_due(first, one)  # not yet: its window is open
        assert service.close_if_due(first, one, now=later)
        first.commit()
        assert not service.close_if_due(second, two, now=later)  # the other reader found it closed
        assert two.status == "closed"
        second.commit()
        assert not service.close_if_due(first, one, now=later)
    assert _system_closes(db) == [("system", "system", "close")]


def test_the_api_writes_reasons_in_the_caller_language(db: Database, tmp_path: Path) -> None:
    web = _web(db, tmp_path)
    lead = web.signed_in("lead")
    round_id = _filled(db, timedelta(days=1))
    for name, choices in (("ann", ["L", "E2"]), ("bob", ["L", "D"])):
        who = web.signed_in(name)
        _json(
            who.client.put(
                f"/api/shift-rounds/{round_id}/bid",
                json={"choices": choices},
                headers={"x-csrf-token": who.csrf},
            )
        )
    for step in ("close", "allocate", "publish"):
        _json(lead.post(f"/api/shift-rounds/{round_id}/{step}"))
    with db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "ann").values(locale="zh"))
        session.execute(update(UserRow).where(UserRow.username == "bob").values(locale="fa"))
        stored = {(o.user_id, o.block): o.why for o in session.scalars(select(ShiftOutcomeRow))}
        ids = dict(session.execute(select(UserRow.username, UserRow.id)).all())
    ann = web.signed_in("ann")
    mine = _json(ann.client.get(f"/api/shift-rounds/{round_id}/outcome"))["outcomes"]
    zh = translations("zh").gettext
    for outcome in mine:
        why = stored[(ids["ann"], outcome["block"])]
        assert why is not None
        assert outcome["reason"] == reasons.render(reasons.from_json(why), zh)
    first = next(o for o in mine if o["block"] == "W1")
    assert first["reason"] == "您获得了第一志愿：Late Mon。" and first["reason_code"] == "first_choice"
    assert first["missed_code"] is None
    bob = web.signed_in("bob")
    persian = _json(
        bob.client.get(f"/api/shift-rounds/{round_id}/outcome", headers={"accept-language": "fa-IR,fa;q=0.9"})
    )
    later = next(o for o in persian["outcomes"] if o["block"] == "W1")
    assert (later["choice"], later["reason_code"], later["missed_code"]) == (
        2,
        "later_choice",
        "needs_skills",
    )
    fa = translations("fa").gettext
    assert later["reason"] == reasons.render(reasons.from_json(stored[(ids["bob"], "W1")] or ""), fa)
    assert later["reason"] != reasons.render(reasons.from_json(stored[(ids["bob"], "W1")] or ""))
    english = _json(lead.client.get(f"/api/shift-rounds/{round_id}"))["outcomes"]
    assert next(o for o in english if o["agent"] == "ann" and o["block"] == "W1")["reason"] == (
        "You got your first choice, Late Mon."
    )
    # the user's own language comes first, as on the pages: the browser's does not override it
    seen = _json(lead.client.get(f"/api/shift-rounds/{round_id}", headers={"accept-language": "fa"}))
    assert next(o for o in seen["outcomes"] if o["agent"] == "ann" and o["block"] == "W1")["reason"] == (
        "You got your first choice, Late Mon."
    )
