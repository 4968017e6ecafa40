"""Calibration sessions over the API and in the browser: three graders and the AI, blind until closed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.calibration.models import CalibrationGradeRow, CalibrationRow
from callqa.calibration.service import ai_criteria
from web_support import SignedIn, Web

ITEMS = ["en-call-01", "en-call-05"]
GRADERS = ["analyst", "sam.lead", "admin"]


def _send(who: SignedIn, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.request(method, url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _ai(web: Web, external_id: str) -> dict[str, str]:
    with web.db.factory() as session:
        return {c["id"]: c["outcome"] for c in ai_criteria(session, web.ids()[external_id], "standard")}


def _grade_count(web: Web) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count(CalibrationGradeRow.id))) or 0)


def test_three_graders_and_the_ai(web: Web) -> None:
    analyst, lead, admin = (web.signed_in(u) for u in GRADERS)
    agent = web.signed_in("j.smith")
    spec = {"name": "November", "interactions": ITEMS, "graders": GRADERS, "benchmark": "ai"}
    assert _send(lead, "POST", "/api/calibrations", spec).status_code == 403
    bad = _send(analyst, "POST", "/api/calibrations", {**spec, "graders": ["analyst", "j.smith"]})
    assert bad.status_code == 422 and "'j.smith' cannot grade" in bad.json()["detail"]
    created = _send(analyst, "POST", "/api/calibrations", spec)
    assert created.status_code == 201
    cid = created.json()["id"]
    ids = web.ids()
    assert agent.client.get(f"/api/calibrations/{cid}").status_code == 404  # not a grader
    invited = lead.client.get("/api/notifications").json()["items"]
    assert invited[0]["kind"] == "calibration" and invited[0]["link"] == f"/calibrations/{cid}"
    assert all(n["kind"] != "calibration" for n in analyst.client.get("/api/notifications").json()["items"])

    # the analyst grades exactly like the AI; the supervisor passes everything; the admin fails everything
    for external_id in ITEMS:
        ai = _ai(web, external_id)
        url = f"/api/calibrations/{cid}/grades/{ids[external_id]}"
        assert _send(analyst, "PUT", url, {"outcomes": ai}).status_code == 200
        assert _send(lead, "PUT", url, {"outcomes": dict.fromkeys(ai, "pass")}).status_code == 200
        assert _send(admin, "PUT", url, {"outcomes": dict.fromkeys(ai, "fail")}).status_code == 200
    # blind: while open nobody sees results, only progress
    body = lead.client.get(f"/api/calibrations/{cid}").json()
    assert "results" not in body and body["progress"] == dict.fromkeys(sorted(GRADERS), 2)
    # incomplete or wrong grades are refused and change nothing
    before = _grade_count(web)
    partial = _send(
        lead, "PUT", f"/api/calibrations/{cid}/grades/{ids[ITEMS[0]]}", {"outcomes": {"greeting": "pass"}}
    )
    assert partial.status_code == 422 and "grade every criterion" in partial.json()["detail"]
    assert _grade_count(web) == before

    closed = _send(
        analyst, "POST", f"/api/calibrations/{cid}/close", {"notes": {"empathy": "an apology counts"}}
    )
    assert closed.status_code == 200
    results = closed.json()["results"]
    alignment = results["alignment"]
    assert alignment["analyst"]["agreement"] == 1.0 and alignment["analyst"]["label"] == "aligned"
    assert alignment["analyst"]["score_bias"] == 0.0
    assert alignment["sam.lead"]["leniency"] > 0 and alignment["sam.lead"]["label"] == "lenient"
    assert alignment["admin"]["leniency"] < 0 and alignment["admin"]["label"] == "strict"
    assert results["alpha"] is not None and results["alpha"] < 0.5  # two of four graders disagree throughout
    for external_id in ITEMS:
        by = results["totals"][str(ids[external_id])]
        assert by["sam.lead"] == 100.0 and by["admin"] == 0.0 and by["analyst"] == by["ai"]
    assert set(results["hardest"]) == set(_ai(web, ITEMS[0])) | set(_ai(web, ITEMS[1]))
    with web.db.factory() as session:
        row = session.get(CalibrationRow, cid)
        assert row is not None and row.state == "closed" and row.notes == {"empathy": "an apology counts"}
    late = _send(
        lead, "PUT", f"/api/calibrations/{cid}/grades/{ids[ITEMS[0]]}", {"outcomes": _ai(web, ITEMS[0])}
    )
    assert late.status_code == 409
    assert "results" in lead.client.get(f"/api/calibrations/{cid}").json()
    # the guidance agreed shows beside the scorecard it is about
    scorecard_page = analyst.client.get("/scorecards/standard").text
    assert 'id="guidance"' in scorecard_page and "an apology counts" in scorecard_page


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_calibration_session_in_the_browser(web: Web) -> None:
    external_id = ITEMS[1]  # en-call-05: the AI failed some criteria
    ai = _ai(web, external_id)
    with serving(web.app) as base, browser() as chromium:
        analyst = sign_in(chromium, base, "analyst")
        analyst.goto(f"{base}/calibrations")
        form = analyst.locator("#new-calibration")
        form.locator("input[name=name]").fill("Team North, week 47")
        form.locator("textarea[name=interactions]").fill(external_id)
        for grader in GRADERS:
            form.locator(f"input[name=graders][value='{grader}']").check()
        form.locator("select[name=benchmark]").select_option("ai")
        form.locator("button[type=submit]").click()
        expect(analyst.locator("[data-test=calibration-state]")).to_have_text("open")
        calibration_url = analyst.url
        choices = {"analyst": ai, "sam.lead": dict.fromkeys(ai, "pass"), "admin": dict.fromkeys(ai, "fail")}
        pages = {
            "analyst": analyst,
            "sam.lead": sign_in(chromium, base, "sam.lead"),
            "admin": sign_in(chromium, base, "admin"),
        }
        for grader, outcomes in choices.items():
            page = pages[grader]
            page.goto(calibration_url)
            page.click(f"[data-test=grade-{external_id}]")
            expect(page.locator("#grades")).to_have_count(1)
            for criterion, outcome in outcomes.items():
                page.check(f"input[name='c:{criterion}'][value='{outcome}']")
            if grader == "sam.lead":
                screenshot(page, "calibration-grading")
            page.click("[data-test=save-grades]")
            expect(page.locator("#progress")).to_contain_text(f"{grader}: 1 / 1")
        analyst.goto(calibration_url)
        assert analyst.locator("#results").count() == 0  # blind until closed
        analyst.fill("input[name='note:empathy']", "an apology counts as empathy")
        analyst.click("[data-test=close]")
        expect(analyst.locator("[data-test=calibration-state]")).to_have_text("closed")
        expect(analyst.locator("[data-test='label-analyst']")).to_have_text("aligned")
        expect(analyst.locator("[data-test='label-sam.lead']")).to_have_text("lenient")
        expect(analyst.locator("[data-test='label-admin']")).to_have_text("strict")
        expect(analyst.locator("#agreement")).to_contain_text("an apology counts as empathy")
        screenshot(analyst, "calibration-results")
