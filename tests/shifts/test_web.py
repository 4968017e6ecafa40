"""Shift bidding through HTTP (the API and the pages) on SQLite and PostgreSQL: who may do what per role,
coded refusals, the database after each step, the audit log. The allocation runs the test stand-in
(solver_stub) through the app's ``allocator`` dependency until callqa.shifts.solver lands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bidding_support import AGENTS_CSV, DEMANDS_CSV, SHIFTS_CSV, people, web_over
from callqa.audit.models import AuditRow
from callqa.shifts import service
from callqa.shifts.models import RoundShiftRow, ShiftBidRow, ShiftOutcomeRow, ShiftRoundRow
from callqa.users.models import UserRow
from callqa.web.routes.shift_rounds import allocator
from shifts.solver_stub import allocate as stub
from support import Database
from web_support import SignedIn, Web

WINDOW = {"opens_at": "2026-01-01T00:00:00+00:00", "closes_at": "2099-01-01T00:00:00+00:00"}


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    with db.factory.begin() as session:
        people(session)
    app = web_over(db, tmp_path)
    app.app.dependency_overrides[allocator] = lambda: stub
    yield app


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _round(lead: SignedIn, name: str = "January", team: str | None = "North") -> int:
    body = {"name": name, "team": team, "blocks": ["W1", "W2"], **WINDOW}
    return int(_json(lead.post("/api/shift-rounds", json=body), 201)["id"])


def _upload(who: SignedIn, round_id: int, kind: str, data: bytes, status: int = 200) -> Any:
    files = {"file": (f"{kind}.csv", data, "text/csv")}
    return _json(who.post(f"/api/shift-rounds/{round_id}/{kind}", files=files), status)


def _ready(lead: SignedIn, name: str = "January") -> int:
    round_id = _round(lead, name)
    for kind, data in (("shifts", SHIFTS_CSV), ("demands", DEMANDS_CSV), ("agents", AGENTS_CSV)):
        assert _upload(lead, round_id, kind, data)["errors"] == []
    _json(lead.post(f"/api/shift-rounds/{round_id}/open"))
    return round_id


def _bid(who: SignedIn, round_id: int, choices: list[str], status: int = 200) -> Any:
    headers = {"x-csrf-token": who.csrf}
    return _json(
        who.client.put(f"/api/shift-rounds/{round_id}/bid", json={"choices": choices}, headers=headers),
        status,
    )


def test_who_may_create_and_see_rounds(web: Web) -> None:
    lead, southlead, analyst = web.signed_in("lead"), web.signed_in("southlead"), web.signed_in("analyst")
    ann, cy, admin = web.signed_in("ann"), web.signed_in("cy"), web.signed_in("admin")
    body = {"name": "X", "blocks": ["W1"], **WINDOW}
    for who, team in ((ann, "North"), (analyst, "North"), (lead, "South"), (lead, None)):
        assert (
            _json(who.post("/api/shift-rounds", json=body | {"team": team}), 403)["detail"] == "not allowed"
        )
    centre = _json(admin.post("/api/shift-rounds", json=body | {"name": "Centre"}), 201)
    assert centre["team"] is None and centre["status"] == "draft"
    refused = _json(lead.post("/api/shift-rounds", json=body | {"team": "North", "blocks": []}), 422)
    assert refused["detail"].startswith("[O111] shift round blocks")
    round_id = _ready(lead)
    assert web.db.factory().scalar(select(func.count(ShiftRoundRow.id))) == 2
    assert _json(southlead.client.get(f"/api/shift-rounds/{round_id}"), 404)["detail"] == "not found"
    assert _json(cy.client.get(f"/api/shift-rounds/{round_id}"), 404)
    assert len(_json(analyst.client.get(f"/api/shift-rounds/{round_id}"))["shifts"]) == 5
    assert _json(analyst.post(f"/api/shift-rounds/{round_id}/close"), 403)
    assert _json(southlead.post(f"/api/shift-rounds/{round_id}/close"), 404)
    assert [r["name"] for r in _json(ann.client.get("/api/shift-rounds"))["rounds"]] == [
        "January"
    ]  # not the draft
    assert [r["name"] for r in _json(southlead.client.get("/api/shift-rounds"))["rounds"]] == ["Centre"]
    assert _json(ann.client.get(f"/api/shift-rounds/{centre['id']}"), 404)  # a draft is not the agents' yet
    assert (
        _json(lead.client.get("/api/shift-rounds/999999"), 404)["detail"]
        == "[O110] shift round 999999 not found"
    )
    with web.db.factory.begin() as session:  # the centre's round, opened, with its shifts
        centre_row = session.get(ShiftRoundRow, centre["id"])
        assert centre_row is not None
        service.import_shifts(session, centre_row, SHIFTS_CSV, "shifts.csv")
        service.open_round(session, centre_row)
    assert _json(southlead.client.get(f"/api/shift-rounds/{centre['id']}"))["status"] == "open"
    assert _json(southlead.post(f"/api/shift-rounds/{centre['id']}/close"), 403)  # the admin's to run
    _bid(cy, centre["id"], ["E"])
    _bid(ann, centre["id"], ["D"])
    assert [b["agent"] for b in _json(southlead.client.get(f"/api/shift-rounds/{centre['id']}"))["bids"]] == [
        "cy"
    ]


def test_a_round_from_csv_to_published_outcomes(web: Web) -> None:
    lead, analyst = web.signed_in("lead"), web.signed_in("analyst")
    ann, bob, dee = web.signed_in("ann"), web.signed_in("bob"), web.signed_in("dee")
    round_id = _round(lead)
    bad = SHIFTS_CSV + b"Q,W3,,2027-01-04,06:00,14:00,,\n"
    report = _upload(lead, round_id, "shifts", bad)
    assert report["loaded"] == 5
    assert report["errors"] == [
        "[O113] shifts.csv, row 8: block 'W3' is not one of the round's (W1, W2); "
        "the row is skipped and the others are loaded"
    ]
    missing = _upload(lead, round_id, "demands", b"when,headcount\nx,1\n", 422)
    assert missing["detail"] == "[O114] demands.csv: no column date, start, end (columns: when, headcount)"
    _upload(lead, round_id, "demands", DEMANDS_CSV)
    _upload(lead, round_id, "agents", AGENTS_CSV)
    assert (
        _bid(ann, round_id, ["E"], 404)["detail"] == "not found"  # a draft is not the agents' yet
    )
    _json(lead.post(f"/api/shift-rounds/{round_id}/open"))
    assert _upload(lead, round_id, "shifts", SHIFTS_CSV, 409)["detail"].startswith("[O112]")
    assert _json(
        lead.client.put(
            f"/api/shift-rounds/{round_id}/bid", json={"choices": []}, headers={"x-csrf-token": lead.csrf}
        ),
        403,
    )
    assert (
        _bid(ann, round_id, ["Z"], 422)["detail"]
        == "[O115] bid in shift round 'January': shift 'Z' is not one of the round's"
    )
    _bid(ann, round_id, ["L", "E", "E2"])
    _bid(bob, round_id, ["L", "D", "L2"])
    seen = _json(ann.client.get(f"/api/shift-rounds/{round_id}"))
    assert [b["agent"] for b in seen["bids"]] == ["ann"]  # only their own
    assert [(a["agent"], a["skills"], a["missed_before"]) for a in seen["agents"]] == [
        ("ann", ["cards", "loans"], 0)
    ]
    staff = _json(lead.client.get(f"/api/shift-rounds/{round_id}"))["agents"]
    assert [(a["agent"], a["hired_on"], a["blocks"]) for a in staff] == [
        ("ann", "2015-03-01", None),
        ("bob", "2020-06-01", None),
        ("dee", None, ["W1"]),
    ]
    assert _json(ann.client.get(f"/api/shift-rounds/{round_id}/bid")) == {"choices": ["L", "E", "E2"]}
    assert [b["agent"] for b in _json(analyst.client.get(f"/api/shift-rounds/{round_id}"))["bids"]] == [
        "ann",
        "bob",
    ]
    _json(lead.post(f"/api/shift-rounds/{round_id}/close"))
    assert (
        _bid(dee, round_id, ["E"], 409)["detail"]
        == "[O112] shift round 'January' is closed: cannot take bids"
    )
    with web.db.factory() as session:
        assert session.scalar(select(func.count(ShiftBidRow.id))) == 2  # the refused bid left nothing
    result = _json(lead.post(f"/api/shift-rounds/{round_id}/allocate"))
    assert result["status"] == "allocated"
    assert {(o["agent"], o["block"]): (o["shift"], o["choice"]) for o in result["outcomes"]} == {
        ("ann", "W1"): ("L", 1),
        ("bob", "W1"): ("D", 2),
        ("dee", "W1"): ("E", None),
        ("ann", "W2"): ("E2", 1),
        ("bob", "W2"): ("L2", 1),
    }
    assert result["allocation"]["granted"] == {"1": 0.75, "2": 0.25}
    assert _json(ann.client.get(f"/api/shift-rounds/{round_id}/outcome")) == {
        "status": "allocated",
        "outcomes": [],
    }
    _json(lead.post(f"/api/shift-rounds/{round_id}/publish"))
    mine = _json(ann.client.get(f"/api/shift-rounds/{round_id}/outcome"))["outcomes"]
    assert [(o["block"], o["shift"], o["choice"]) for o in mine] == [("W1", "L", 1), ("W2", "E2", 1)]
    assert all(o["reason"] for o in mine)
    assert {o["agent"] for o in _json(ann.client.get(f"/api/shift-rounds/{round_id}"))["outcomes"]} == {"ann"}
    assert len(_json(analyst.client.get(f"/api/shift-rounds/{round_id}"))["outcomes"]) == 5
    with web.db.factory() as session:
        audited = session.scalars(
            select(AuditRow.action).where(AuditRow.resource == "shift_round").order_by(AuditRow.id)
        ).all()
    assert audited == ["create", *["import"] * 3, "open", "bid", "bid", "close", "allocate", "publish"]


def test_infeasible_coverage_is_a_422_kept_on_the_round(web: Web) -> None:
    lead, ann = web.signed_in("lead"), web.signed_in("ann")
    round_id = _ready(lead)
    _upload(lead, round_id, "demands", b"date,start,end,skill,headcount\n2027-01-04,06:00,14:00,,9\n")
    _bid(ann, round_id, ["E"])
    _json(lead.post(f"/api/shift-rounds/{round_id}/close"))
    refused = _json(lead.post(f"/api/shift-rounds/{round_id}/allocate"), 422)
    assert "2027-01-04 06:00–14:00" in refused["detail"] and "9" in refused["detail"]
    assert refused["round"]["status"] == "closed"
    assert _json(lead.client.get(f"/api/shift-rounds/{round_id}"))["allocation"]["error"] == refused["detail"]
    page = lead.client.get(f"/shifts/{round_id}")
    assert 'data-test="allocation-error"' in page.text and "2027-01-04 06:00–14:00" in page.text
    assert _json(lead.post(f"/api/shift-rounds/{round_id}/publish"), 409)["detail"].startswith("[O112]")
    with web.db.factory() as session:
        assert session.scalar(select(func.count(ShiftOutcomeRow.id))) == 0


def test_the_pages_walk_a_round(web: Web) -> None:
    lead, ann, bob = web.signed_in("lead"), web.signed_in("ann"), web.signed_in("bob")
    assert '/shifts">My shifts</a>' in ann.client.get("/operations").text
    form = {
        "name": "March",
        "team": "North",
        "blocks": "W1 W2",
        "opens_at": "2026-01-01T08:00",
        "closes_at": "2099-01-01T08:00",
    }
    created = lead.post("/shifts", data=form, follow_redirects=False)
    assert created.status_code == 303  # type: ignore[attr-defined]
    round_id = int(created.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    page = lead.post(
        f"/shifts/{round_id}/upload",
        data={"kind": "shifts"},
        files={"file": ("s.csv", SHIFTS_CSV + b"Q,W1,,x,1,2,,\n")},
    )
    assert page.status_code == 200 and 'data-test="import-report"' in page.text  # type: ignore[attr-defined]
    assert "s.csv, row 8: date &#39;x&#39; is not YYYY-MM-DD" in page.text  # type: ignore[attr-defined]
    for kind, data in (("demands", DEMANDS_CSV), ("agents", AGENTS_CSV)):
        lead.post(f"/shifts/{round_id}/upload", data={"kind": kind}, files={"file": (f"{kind}.csv", data)})
    assert lead.post(f"/shifts/{round_id}/open", follow_redirects=False).status_code == 303  # type: ignore[attr-defined]
    mine = ann.client.get("/shifts")
    assert 'data-test="bid-form"' in mine.text and 'data-test="choice-W1-3"' in mine.text
    dees = web.signed_in("dee").client.get("/shifts").text  # dee works block W1 only
    assert 'data-test="choice-W1-1"' in dees and 'data-test="choice-W2-1"' not in dees
    sent = ann.post(f"/shifts/{round_id}/bid", data={"choice": ["L", "", "", "E2"]}, follow_redirects=False)
    assert sent.status_code == 303  # type: ignore[attr-defined]
    refused = bob.post(f"/shifts/{round_id}/bid", data={"choice": ["L", "L"]})
    assert refused.status_code == 422 and "ranked twice" in refused.text  # type: ignore[attr-defined]
    bob.post(f"/shifts/{round_id}/bid", data={"choice": ["L", "D"]})
    assert "selected>Late Mon (L)" in ann.client.get("/shifts").text
    assert bob.client.get(f"/shifts/{round_id}", follow_redirects=False).status_code == 303
    assert bob.post(f"/shifts/{round_id}/allocate").status_code == 403  # type: ignore[attr-defined]
    for step in ("close", "allocate"):
        assert lead.post(f"/shifts/{round_id}/{step}", follow_redirects=False).status_code == 303  # type: ignore[attr-defined]
    shown = lead.client.get(f"/shifts/{round_id}").text
    assert 'data-test="outcomes"' in shown and 'data-test="coverage"' in shown
    assert 'data-test="share-1">67 %' in shown
    assert "Bidding is closed; the results are not published yet." in ann.client.get("/shifts").text
    lead.post(f"/shifts/{round_id}/publish")
    after = ann.client.get("/shifts").text
    assert 'data-test="my-outcomes"' in after and "You got your first choice" in after
    assert "Bob" not in after
    with web.db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "ann").values(locale="zh"))
    chinese = web.signed_in("ann").client.get("/shifts").text
    assert "我的班次" in chinese and "已发布" in chinese


def test_an_upload_over_5_mb_is_refused_with_the_upload_code(web: Web) -> None:
    lead = web.signed_in("lead")
    round_id = _round(lead)
    huge = SHIFTS_CSV + b"#" * (5 * 1024 * 1024)
    refused = _upload(lead, round_id, "shifts", huge, 413)
    assert refused["detail"] == "[O170] upload 'shifts.csv': larger than 5 MB"
    page = lead.post(f"/shifts/{round_id}/upload", data={"kind": "shifts"}, files={"file": ("big.csv", huge)})
    assert page.status_code == 413 and "[O170] upload &#39;big.csv&#39;" in page.text  # type: ignore[attr-defined]
    with web.db.factory() as session:
        assert session.scalar(select(func.count(RoundShiftRow.id))) == 0  # nothing stored
        assert session.scalar(select(func.count(AuditRow.id)).where(AuditRow.action == "import")) == 0
