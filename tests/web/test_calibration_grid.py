"""The calibration grid (grader × criterion, cells differing from the expert or the majority marked), the
expert answers the session owner sets, the CSV export, the warning before closing an unfinished session."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy import func, select

from callqa.calibration.models import CalibrationExpertRow, CalibrationRow
from callqa.calibration.service import ai_criteria
from web_support import SignedIn, Web

ITEMS = ["en-call-01", "en-call-05"]
GRADERS = ["admin", "analyst", "sam.lead"]


def _send(who: SignedIn, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.request(method, url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _ai(web: Web, external_id: str) -> dict[str, str]:
    with web.db.factory() as session:
        return {c["id"]: c["outcome"] for c in ai_criteria(session, web.ids()[external_id], "standard")}


def _state(web: Web, cid: int) -> str:
    with web.db.factory() as session:
        row = session.get(CalibrationRow, cid)
        assert row is not None
        return row.state


def _experts(web: Web) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count(CalibrationExpertRow.id))) or 0)


def _session(web: Web) -> tuple[int, dict[str, SignedIn], str]:
    """A hand-built session: the analyst grades like the AI, the supervisor passes everything, the admin
    passes everything but fails the first criterion of en-call-01 and never grades en-call-05."""
    who = {u: web.signed_in(u) for u in GRADERS}
    spec = {"name": "Week 49", "interactions": ITEMS, "graders": GRADERS}
    cid = _send(who["analyst"], "POST", "/api/calibrations", spec).json()["id"]
    ids = web.ids()
    first = ""
    for external_id in ITEMS:
        ai = _ai(web, external_id)
        first = first or next(c for c, o in ai.items() if o == "pass")
        url = f"/api/calibrations/{cid}/grades/{ids[external_id]}"
        assert _send(who["analyst"], "PUT", url, {"outcomes": ai}).status_code == 200
        assert _send(who["sam.lead"], "PUT", url, {"outcomes": dict.fromkeys(ai, "pass")}).status_code == 200
        if external_id == "en-call-01":
            admin = {**dict.fromkeys(ai, "pass"), first: "fail"}
            assert _send(who["admin"], "PUT", url, {"outcomes": admin}).status_code == 200
    return cid, who, first


def test_closing_an_unfinished_session_warns_and_needs_a_confirmation(web: Web) -> None:
    cid, who, _ = _session(web)
    analyst = who["analyst"]
    page = analyst.client.get(f"/calibrations/{cid}").text
    assert "Alex Admin: 1 of 2 graded" in page and 'name="confirm_incomplete"' in page
    refused = _send(analyst, "POST", f"/api/calibrations/{cid}/close", {"notes": {}})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("[V140] calibration Week 49: not every grader has finished")
    assert "Alex Admin: 1 of 2 graded" in refused.json()["detail"]
    assert _state(web, cid) == "open"

    form = {"csrf_token": analyst.csrf, "note:greeting": "say the bank's name"}
    unconfirmed = analyst.client.post(f"/calibrations/{cid}/close", data=form, follow_redirects=False)
    assert unconfirmed.status_code == 409
    assert "Alex Admin: 1 of 2 graded" in unconfirmed.text and 'data-test="close-refused"' in unconfirmed.text
    assert 'value="say the bank&#39;s name"' in unconfirmed.text  # the notes typed are kept
    assert _state(web, cid) == "open"

    confirmed = analyst.client.post(
        f"/calibrations/{cid}/close", data={**form, "confirm_incomplete": "1"}, follow_redirects=False
    )
    assert confirmed.status_code == 303 and _state(web, cid) == "closed"


def test_the_api_closes_an_unfinished_session_with_force(web: Web) -> None:
    cid, who, _ = _session(web)
    forced = _send(who["analyst"], "POST", f"/api/calibrations/{cid}/close", {"force": True})
    assert forced.status_code == 200 and _state(web, cid) == "closed"


def test_the_grid_marks_differences_from_the_majority_and_then_the_expert(web: Web) -> None:
    cid, who, first = _session(web)
    analyst, lead = who["analyst"], who["sam.lead"]
    assert analyst.client.get(f"/api/calibrations/{cid}/grid").status_code == 409  # blind while open
    assert _send(analyst, "POST", f"/api/calibrations/{cid}/close", {"force": True}).status_code == 200
    ids = web.ids()
    ai1, ai5 = _ai(web, "en-call-01"), _ai(web, "en-call-05")

    grid = analyst.client.get(f"/api/calibrations/{cid}/grid").json()
    assert grid["graders"] == ["admin", "analyst", "sam.lead", "ai"]
    rows = {(r["external_id"], r["criterion"]): r for r in grid["rows"]}
    assert len(rows) == len(ai1) + len(ai5)
    row = rows[("en-call-01", first)]
    assert row["outcomes"] == {"admin": "fail", "analyst": "pass", "sam.lead": "pass", "ai": "pass"}
    assert (row["reference"], row["reference_from"], row["differs"]) == ("pass", "majority", ["admin"])
    assert row["agreement"] == 0.75
    for criterion, ai in ai5.items():  # the admin never graded en-call-05: an empty cell, never a difference
        cells = rows[("en-call-05", criterion)]
        assert cells["outcomes"]["admin"] is None and "admin" not in cells["differs"]
        if ai != "pass":  # analyst and AI against the supervisor's pass: the majority is the AI's
            assert cells["reference"] == ai and cells["differs"] == ["sam.lead"]

    page = analyst.client.get(f"/calibrations/{cid}").text
    grid_html = page.split('<section class="card" id="grid">')[1]
    first_row = re.search(rf'<tr data-criterion="{first}">.*?</tr>', grid_html, re.S)
    assert first_row is not None
    assert '<td data-grader="admin" class="differs">' in first_row.group(0)
    assert '<td data-grader="analyst" class="">' in first_row.group(0)
    assert f'href="/interactions/{ids["en-call-01"]}"' in page

    # the expert answer: only whoever runs calibrations sets it; bad answers change nothing
    url = f"/api/calibrations/{cid}/expert/{ids['en-call-01']}"
    assert _send(lead, "PUT", url, {"answers": {first: "fail"}}).status_code == 403
    bad = _send(analyst, "PUT", url, {"answers": {first: "maybe"}})
    assert (
        bad.status_code == 422
        and bad.json()["detail"].startswith("[V141]")
        and "'maybe'" in bad.json()["detail"]
    )
    unknown = _send(analyst, "PUT", url, {"answers": {"no_such": "pass"}})
    assert unknown.status_code == 422 and "no such criterion" in unknown.json()["detail"]
    assert _experts(web) == 0

    set_ = _send(analyst, "PUT", url, {"answers": {first: "fail"}})
    assert set_.status_code == 200 and _experts(web) == 1
    row = {(r["external_id"], r["criterion"]): r for r in set_.json()["rows"]}[("en-call-01", first)]
    assert (row["expert"], row["reference_from"]) == ("fail", "expert")
    assert row["differs"] == ["analyst", "sam.lead", "ai"] and row["agreement"] == 0.25
    # the admin matched the expert and, elsewhere on en-call-01, the unanimous passes: full agreement
    by_grader = set_.json()["by_grader"]
    assert by_grader["admin"] == 1.0
    passes = sum(o == "pass" for c, o in ai1.items() if c != first) + sum(o == "pass" for o in ai5.values())
    others5 = sum(o != "pass" for o in ai5.values())
    assert by_grader["sam.lead"] == round(passes / (1 + passes + others5), 3)

    # the page form sets answers too (and clears them with the empty choice)
    form = {"csrf_token": analyst.csrf, f"x:{ids['en-call-01']}:{first}": ""}
    assert (
        analyst.client.post(f"/calibrations/{cid}/expert", data=form, follow_redirects=False).status_code
        == 303
    )
    assert _experts(web) == 0
    form[f"x:{ids['en-call-01']}:{first}"] = "fail"
    analyst.client.post(f"/calibrations/{cid}/expert", data=form)
    assert _experts(web) == 1

    exported = analyst.client.get(f"/calibrations/{cid}/grid.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0] == [
        "interaction", "criterion", "title", "admin", "analyst", "sam.lead", "ai",
        "expert", "reference", "reference_from", "agreement", "differs",
    ]  # fmt: skip
    line = next(r for r in table if r[:2] == ["en-call-01", first])
    assert line[3:] == [
        "fail",
        "pass",
        "pass",
        "pass",
        "fail",
        "fail",
        "expert",
        "0.25",
        "analyst sam.lead ai",
    ]
    assert len(table) == 1 + len(ai1) + len(ai5)
