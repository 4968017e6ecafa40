"""Shifts and demands entered one at a time — on the round's page (plain forms, POST and redirect) and over
the API (JSON POST, PATCH, DELETE) — on SQLite and PostgreSQL: what is stored, the coded refusal shown next
to the form with nothing stored, the states that allow it, who may, the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bidding_support import people, web_over
from callqa.audit.models import AuditRow
from callqa.shifts.models import RoundDemandRow, RoundShiftRow
from support import Database
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(21)
WINDOW = {"opens_at": "2026-01-01T00:00:00+00:00", "closes_at": "2099-01-01T00:00:00+00:00"}
SHIFT = {
    "id": "E",
    "block": "W1",
    "label": "Early",
    "dates": "2027-01-04 2027-01-05",
    "start": "06:00",
    "end": "14:00",
    "seats": "2",
    "skills": "",
}
DEMAND = {"date": "2027-01-04", "start": "06:00", "end": "14:00", "skill": "", "headcount": "1"}


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    with db.factory.begin() as session:
        people(session)
    yield web_over(db, tmp_path)


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _round(lead: SignedIn) -> int:
    body = {"name": "January", "team": "North", "blocks": ["W1", "W2"], **WINDOW}
    return int(_json(lead.post("/api/shift-rounds", json=body), 201)["id"])


def _stored(web: Web) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with web.db.factory() as session:
        shifts = session.execute(
            select(
                RoundShiftRow.code, RoundShiftRow.block, RoundShiftRow.spans, RoundShiftRow.seats
            ).order_by(RoundShiftRow.code)
        ).all()
        demands = session.execute(
            select(RoundDemandRow.starts, RoundDemandRow.skill, RoundDemandRow.headcount).order_by(
                RoundDemandRow.id
            )
        ).all()
    return [tuple(s) for s in shifts], [(d[0].isoformat(), d[1], d[2]) for d in demands]


def _actions(web: Web) -> list[str]:
    with web.db.factory() as session:
        query = select(AuditRow.action).where(AuditRow.resource == "shift_round").order_by(AuditRow.id)
        return list(session.scalars(query))


def test_the_page_forms_add_edit_and_delete_shifts_and_demands(web: Web) -> None:
    lead = web.signed_in("lead")
    round_id = _round(lead)
    page = lead.client.get(f"/shifts/{round_id}").text
    assert 'data-test="shift-form"' in page and 'data-test="demand-form"' in page
    added = lead.post(f"/shifts/{round_id}/entry/shift", data=SHIFT, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == f"/shifts/{round_id}#shifts"  # type: ignore[attr-defined]
    night = SHIFT | {
        "id": "N",
        "label": "",
        "dates": "2027-01-04",
        "start": "22:00",
        "end": "06:00",
        "seats": "",
    }
    lead.post(f"/shifts/{round_id}/entry/shift", data=night)
    spans = [["2027-01-04T06:00:00", "2027-01-04T14:00:00"], ["2027-01-05T06:00:00", "2027-01-05T14:00:00"]]
    assert _stored(web)[0] == [
        ("E", "W1", spans, 2),
        ("N", "W1", [["2027-01-04T22:00:00", "2027-01-05T06:00:00"]], None),
    ]
    shown = lead.client.get(f"/shifts/{round_id}").text
    assert "2027-01-04 22:00–06:00" in shown and "Mon 2027-01-04 22:00–06:00" in shown  # the default label

    # a refused entry: the page shows the CSV import's cause under the entry's code, the values typed
    # are kept, and nothing is stored
    refusals = [
        (SHIFT | {"id": "X", "block": "W9"}, "shift 'X': block 'W9' is not one of the round's (W1, W2)"),
        (SHIFT | {"id": "X", "dates": "2027-13-01"}, "shift 'X': date '2027-13-01' is not YYYY-MM-DD"),
        (SHIFT | {"id": "X", "start": "6 am"}, "shift 'X': start '6 am' is not a time HH:MM"),
        (SHIFT | {"id": "X", "seats": "0"}, "shift 'X': seats '0' is not a whole number of at least 1"),
        (SHIFT | {"id": "X", "seats": "many"}, "shift 'X': seats 'many' is not a whole number of at least 1"),
        (SHIFT | {"id": "X", "dates": ""}, "shift 'X': it has no working span"),
        (
            SHIFT | {"id": "X", "dates": "2027-01-04 2027-01-04"},
            "shift 'X': shift X: this span overlaps another",
        ),
        (SHIFT | {"id": "x" * 65}, "shift_id &#39;xxxxxxxxxxxxxxxxxxxx…&#39; is longer than 64 characters"),
        (
            SHIFT | {"id": "Y", "dates": " ".join(["2027-01-04"] * 63)},
            "shift 'Y': spans: List should have at most 62",
        ),
        (SHIFT | {"id": "Z", "skills": "s " * 51}, "shift 'Z': skills: List should have at most 50"),
    ]
    before = _stored(web)
    for form, cause in refusals:
        refused = lead.post(f"/shifts/{round_id}/entry/shift", data=form)
        assert refused.status_code == 422, form  # type: ignore[attr-defined]
        error = refused.text.split('data-test="shift-error">', 1)[1].split("</p>", 1)[0]  # type: ignore[attr-defined]
        assert error.startswith("[O118] shift round &#39;January&#39;, "), error
        assert cause.replace("'", "&#39;") in error or cause in error, error
        assert error.endswith("; nothing is stored")
        assert f'name="dates" value="{form["dates"]}"' in refused.text  # type: ignore[attr-defined]
    taken = lead.post(f"/shifts/{round_id}/entry/shift", data=SHIFT)
    assert (
        "[O119] shift round &#39;January&#39;: shift &#39;E&#39; exists already; edit it instead"
        in taken.text
    )  # type: ignore[attr-defined]
    assert _stored(web) == before

    # edit: the form comes filled in; saving replaces the shift (a new id too); then delete
    editing = lead.client.get(f"/shifts/{round_id}?shift=E").text
    assert 'name="original" value="E"' in editing and 'name="dates" value="2027-01-04 2027-01-05"' in editing
    unknown = lead.client.get(f"/shifts/{round_id}?shift=Z")
    assert (
        unknown.status_code == 404
        and "[O120] shift round &#39;January&#39;: no shift &#39;Z&#39;" in unknown.text
    )
    renamed = SHIFT | {
        "id": "E1",
        "dates": "2027-01-06",
        "seats": "3",
        "skills": "loans; cards",
        "original": "E",
    }
    assert (
        lead.post(f"/shifts/{round_id}/entry/shift", data=renamed, follow_redirects=False).status_code == 303
    )  # type: ignore[attr-defined]
    assert (
        lead.post(f"/shifts/{round_id}/entry/shift", data=SHIFT | {"id": "N", "original": "E1"}).status_code
        == 422
    )  # type: ignore[attr-defined]
    with web.db.factory() as session:
        e1 = session.scalars(select(RoundShiftRow).where(RoundShiftRow.code == "E1")).one()
        assert (e1.spans, e1.seats, e1.skills) == (
            [["2027-01-06T06:00:00", "2027-01-06T14:00:00"]],
            3,
            ["cards", "loans"],
        )
    lead.post(f"/shifts/{round_id}/entry/shift", data={"original": "N", "delete": "1"})
    assert [s[0] for s in _stored(web)[0]] == ["E1"]

    # demands the same way
    lead.post(f"/shifts/{round_id}/entry/demand", data=DEMAND)
    lead.post(
        f"/shifts/{round_id}/entry/demand", data=DEMAND | {"start": "14:00", "end": "22:00", "skill": "loans"}
    )
    long = lead.post(f"/shifts/{round_id}/entry/demand", data=DEMAND | {"skill": "s" * 300})
    assert "demand (new): skill: String should have at most 200 characters" in long.text  # type: ignore[attr-defined]
    bad = lead.post(f"/shifts/{round_id}/entry/demand", data=DEMAND | {"headcount": "-1"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert (
        "[O121] shift round &#39;January&#39;, demand (new): headcount &#39;-1&#39; is not a whole number "
        "of at least 0; nothing is stored" in bad.text  # type: ignore[attr-defined]
    )
    assert 'data-test="demand-error"' in bad.text and 'name="headcount" value="-1"' in bad.text  # type: ignore[attr-defined]
    assert (
        "demand (new): end &#39;25:00&#39; is not a time HH:MM"
        in lead.post(  # type: ignore[attr-defined]
            f"/shifts/{round_id}/entry/demand", data=DEMAND | {"end": "25:00"}
        ).text
    )
    demands = _stored(web)[1]
    assert demands == [("2027-01-04T06:00:00", None, 1), ("2027-01-04T14:00:00", "loans", 1)]
    with web.db.factory() as session:
        first, second = session.scalars(select(RoundDemandRow.id).order_by(RoundDemandRow.id)).all()
    assert 'name="headcount" value="1"' in lead.client.get(f"/shifts/{round_id}?demand={first}").text
    lead.post(f"/shifts/{round_id}/entry/demand", data=DEMAND | {"headcount": "4", "original": str(first)})
    lead.post(f"/shifts/{round_id}/entry/demand", data={"original": str(second), "delete": "1"})
    missing = lead.post(f"/shifts/{round_id}/entry/demand", data={"original": "999999", "delete": "1"})
    assert "[O122] shift round &#39;January&#39;: no demand 999999" in missing.text  # type: ignore[attr-defined]
    assert _stored(web)[1] == [("2027-01-04T06:00:00", None, 4)]

    # once open, shifts are fixed (bids name them) and the form is gone; demands may still change
    _json(lead.post(f"/api/shift-rounds/{round_id}/open"))
    opened = lead.client.get(f"/shifts/{round_id}").text
    assert 'data-test="shift-form"' not in opened and 'data-test="demand-form"' in opened
    late = lead.post(f"/shifts/{round_id}/entry/shift", data=SHIFT | {"id": "Q"})
    assert "[O112] shift round &#39;January&#39; is open: cannot change its shifts" in late.text  # type: ignore[attr-defined]
    assert (
        lead.post(f"/shifts/{round_id}/entry/demand", data=DEMAND, follow_redirects=False).status_code == 303
    )  # type: ignore[attr-defined]
    assert web.signed_in("analyst").post(f"/shifts/{round_id}/entry/demand", data=DEMAND).status_code == 403  # type: ignore[attr-defined]
    assert web.signed_in("southlead").post(f"/shifts/{round_id}/entry/demand", data=DEMAND).status_code == 404  # type: ignore[attr-defined]
    assert _actions(web) == [
        "create",
        "add_shift",
        "add_shift",
        "edit_shift",
        "delete_shift",
        "add_demand",
        "add_demand",
        "edit_demand",
        "delete_demand",
        "open",
        "add_demand",
    ]


def test_the_api_adds_patches_and_deletes_shifts_and_demands(web: Web) -> None:
    lead = web.signed_in("lead")
    round_id = _round(lead)
    base = f"/api/shift-rounds/{round_id}"
    headers = {"x-csrf-token": lead.csrf}
    spans = [{"date": "2027-01-04", "start": "06:00", "end": "14:00"}]
    shift = {"id": "E", "block": "W1", "spans": spans, "seats": 2, "skills": ["loans"]}
    added = _json(lead.post(f"{base}/shifts", json=shift), 201)
    assert added == {
        "id": "E",
        "block": "W1",
        "label": "Mon 2027-01-04 06:00–14:00",
        "spans": [["2027-01-04T06:00:00", "2027-01-04T14:00:00"]],
        "seats": 2,
        "skills": ["loans"],
    }
    assert _json(lead.post(f"{base}/shifts", json=shift), 409)["detail"].startswith("[O119]")
    refused = _json(lead.post(f"{base}/shifts", json=shift | {"id": "F", "seats": 0}), 422)
    assert refused["detail"] == (
        "[O118] shift round 'January', shift 'F': seats '0' is not a whole number of at least 1; "
        "nothing is stored"
    )
    assert _json(lead.post(f"{base}/shifts", json=shift | {"colour": "red"}), 422)
    more = [*spans, {"date": "2027-01-05", "start": "08:00", "end": "16:00"}]
    patched = _json(
        lead.client.patch(f"{base}/shifts/E", json={"spans": more, "seats": None}, headers=headers)
    )
    assert (patched["spans"][1], patched["seats"], patched["skills"]) == (
        ["2027-01-05T08:00:00", "2027-01-05T16:00:00"],
        None,
        ["loans"],
    )
    assert _json(lead.client.patch(f"{base}/shifts/Z", json={"seats": 1}, headers=headers), 404)[
        "detail"
    ] == ("[O120] shift round 'January': no shift 'Z'")
    demand = _json(
        lead.post(
            f"{base}/demands", json={"date": "2027-01-04", "start": "06:00", "end": "14:00", "headcount": 1}
        ),
        201,
    )
    assert demand == {
        "id": demand["id"],
        "start": "2027-01-04T06:00:00",
        "end": "2027-01-04T14:00:00",
        "skill": None,
        "headcount": 1,
    }
    bad = _json(
        lead.client.patch(f"{base}/demands/{demand['id']}", json={"start": "x"}, headers=headers), 422
    )
    assert bad["detail"] == (
        f"[O121] shift round 'January', demand {demand['id']}: start 'x' is not a time HH:MM; "
        "nothing is stored"
    )
    changed = _json(
        lead.client.patch(
            f"{base}/demands/{demand['id']}", json={"skill": "loans", "headcount": 2}, headers=headers
        )
    )
    assert (changed["start"], changed["skill"], changed["headcount"]) == ("2027-01-04T06:00:00", "loans", 2)
    assert _json(lead.post(f"{base}/agents", json={"agent": "ann"}), 422)
    assert _json(
        web.signed_in("analyst").client.delete(
            f"{base}/shifts/E", headers={"x-csrf-token": web.signed_in("analyst").csrf}
        ),
        403,
    )
    _json(lead.client.delete(f"{base}/demands/{demand['id']}", headers=headers), 204)
    assert _json(lead.client.delete(f"{base}/demands/{demand['id']}", headers=headers), 404)[
        "detail"
    ].startswith("[O122]")
    _json(lead.post(f"{base}/open"))
    assert _json(lead.client.delete(f"{base}/shifts/E", headers=headers), 409)["detail"] == (
        "[O112] shift round 'January' is open: cannot change its shifts"
    )
    detail = _json(lead.client.get(base))
    assert [s["id"] for s in detail["shifts"]] == ["E"] and detail["demands"] == []
    assert _actions(web) == [
        "create",
        "add_shift",
        "edit_shift",
        "add_demand",
        "edit_demand",
        "delete_demand",
        "open",
    ]
