"""An analyst builds a review queue in the form in headless Chromium at 1280 px and sees it listed, and its
items with the reason naming the failed critical criterion. Screenshots under .artifacts/screenshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from browser_support import browser, screenshot, serving, sign_in
from web_support import Web

pytestmark = [pytest.mark.slow, pytest.mark.issue(19)]


def test_an_analyst_creates_a_queue_in_the_form_and_sees_the_named_reason(web: Web) -> None:
    due = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.click("[data-test=queues]")
        form = page.locator("[data-test=queue-form]")
        form.locator("input[name=name]").fill("Critical fails, week 49")
        form.locator("input[name=strategy][value=auto_fail]").check()
        form.locator("input[name='share:auto_fail']").fill("75")
        form.locator("input[name=strategy][value=low_score]").check()
        form.locator("input[name=analyst][value=analyst]").check()
        form.locator("input[name='quota:analyst']").fill("4")
        form.locator("input[name=due]").fill(due)
        form.locator("[data-test=save-queue]").click()
        expect(page.locator("h1")).to_have_text("Critical fails, week 49")
        reasons = page.locator("[data-test=queue-items] [data-test=reason]")
        expect(reasons).to_have_count(4)  # 75 / 25 of 4 slots: 3 critical fails, 1 low score
        expect(reasons.first).to_contain_text("Failed critical criterion “")  # auto_fail picks first
        expect(reasons.filter(has_text="Failed critical criterion “")).to_have_count(3)
        screenshot(page, "queue-detail-1280")
        page.click("text=← Review queues")
        row = page.locator("[data-test=queues] tbody tr").first
        expect(row).to_contain_text("Critical fails, week 49")
        expect(row.locator("[data-test=progress]")).to_have_text("0/4")
        expect(row).to_contain_text(due)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "queues-1280")
