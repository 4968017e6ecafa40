"""The grading form in real headless Chromium at 1280, 1440 and 1920 px and on a phone (390 px): the page
never scrolls sideways, no button's text is clipped, two criteria are changed with the keys and saved
without a page load, and the score updates in place; then a dispute and its answer fit at each width.
Screenshots are kept under .artifacts/screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from browser_support import browser, screenshot, serving, sign_in
from callqa.review.models import ReviewRow
from callqa.scoring.models import EvaluationRow
from web_support import SignedIn, Web

WIDTHS = (1280, 1440, 1920, 390)
FITS = """() => ({
  sideways: document.documentElement.scrollWidth - window.innerWidth,
  clipped: Array.from(document.querySelectorAll('button, .seg span, summary'))
    .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
    .map(b => b.textContent.trim()),
})"""


def _post(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    answer = who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _fits(page: Page, name: str) -> None:
    fit = page.evaluate(FITS)
    assert fit["sideways"] <= 0 and fit["clipped"] == [], (name, fit)
    screenshot(page, name)


def _grade_two_with_keys(page: Page) -> list[str]:
    """From the top: j to the first and second criteria, p or f to flip each, c and a reason, Esc; save."""
    page.locator("h1").click()  # nothing in focus: the keys are the form's
    changed = []
    for _ in range(2):
        page.keyboard.press("j")
        crit = page.locator(".crit.current")
        name = crit.get_attribute("data-criterion")
        marks = page.locator(f"#transcript mark[data-criteria~='{name}']")
        assert marks.count() == page.locator(f"#transcript mark.focus[data-criteria~='{name}']").count()
        final = crit.get_attribute("data-final")
        page.keyboard.press("f" if final == "pass" else "p")
        page.keyboard.press("c")
        page.keyboard.type("checked by ear, see the turn")
        page.keyboard.press("Escape")
        changed.append(str(crit.get_attribute("data-criterion")))
    page.keyboard.press("Control+Enter")
    return changed


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_grading_fits_every_width_and_saves_without_a_reload(web: Web) -> None:
    ident = web.ids()["en-call-05"]
    analyst = web.signed_in("analyst")
    rid = _post(analyst, f"/api/interactions/{ident}/review")["id"]
    _post(analyst, f"/api/reviews/{rid}/share")  # shared: each save moves the official score
    with serving(web.app) as base, browser() as chromium:
        page: Page = sign_in(chromium, base, "analyst")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}/interactions/{ident}?width={width}#review")  # a new URL: a real page load
            _fits(page, f"grading-{width}")
            page.evaluate("window.__sameDocument = true")
            changed = _grade_two_with_keys(page)
            status = page.locator("[data-test=grade-status]")
            expect(status).to_have_class(re.compile(r"\bok\b"))
            assert "2" in status.inner_text(), status.inner_text()
            assert page.evaluate("window.__sameDocument") is True  # saved without loading a page
            with web.db.factory() as session:
                official = session.scalar(
                    select(EvaluationRow.score)
                    .join(ReviewRow, ReviewRow.evaluation_id == EvaluationRow.id)
                    .where(ReviewRow.id == rid)
                )
            assert official is not None
            expect(page.locator("[data-test=score]")).to_have_text(f"{official:.0f}")  # in place, at the top
            expect(page.locator("[data-test=review-score]")).to_have_text(f"{official:.0f}")
            for criterion in changed:  # the change is listed beside its criterion, in place
                expect(page.locator(f"[data-test=change-{criterion}]").last).to_contain_text("checked by ear")
            _fits(page, f"grading-{width}-saved")

        # a dispute and its answer: the agent's, the supervisor's view with the resolve form
        agent = web.signed_in("j.smith")
        seen = agent.client.get(f"/api/interactions/{ident}/review").json()
        mine = {c["id"]: "pass" for c in seen["criteria"]}
        _post(agent, f"/api/reviews/{rid}/self-evaluation", {"outcomes": mine})
        criterion = next(c["id"] for c in _post(agent, f"/api/reviews/{rid}/acknowledge")["criteria"])
        comment = "I did say it, twice, right at the start of the call " * 3
        asked = {"criterion": criterion, "requested": "n/a", "comment": comment}
        _post(agent, f"/api/reviews/{rid}/disputes", asked)
        lead = sign_in(chromium, base, "sam.lead")
        for width in WIDTHS:
            lead.set_viewport_size({"width": width, "height": 900})
            lead.goto(f"{base}/interactions/{ident}?width={width}#review")
            expect(lead.locator("[data-test=dispute]")).to_be_visible()
            _fits(lead, f"dispute-{width}")
