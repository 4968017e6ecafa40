"""Shift bidding in real headless Chromium: an agent ranks shifts on "My shifts", a supervisor closes the
round, runs the allocation (the test stand-in solver until callqa.shifts.solver lands) and publishes it, and
the agent sees the shift they got and why; then the supervisor enters a night shift on a draft round's
form. Screenshots: shifts-agent-bid, shifts-round-result, shifts-agent-outcome, shifts-round-entered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bidding_support import filled_round, new_round, people, web_over
from browser_support import browser, screenshot, serving, sign_in
from callqa.db.engine import create_db_engine, session_factory
from callqa.web.routes.shift_rounds import allocator
from shifts.solver_stub import allocate as stub
from support import Database

pytestmark = [pytest.mark.issue(21), pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_agent_bids_a_supervisor_allocates_and_publishes(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    db = Database("sqlite", f"sqlite:///{path}", engine, session_factory(engine))
    with db.factory.begin() as session:
        people(session)
        round_id = filled_round(session).id
        draft_id = new_round(session, "February").id
    web = web_over(db, tmp_path)
    web.app.dependency_overrides[allocator] = lambda: stub
    try:
        with serving(web.app) as base, browser() as chromium:
            ann = sign_in(chromium, base, "ann")
            ann.goto(f"{base}/shifts")
            ann.select_option("[data-test=choice-W1-1]", "L")
            ann.select_option("[data-test=choice-W1-2]", "E")
            ann.select_option("[data-test=choice-W2-1]", "E2")
            screenshot(ann, "shifts-agent-bid")
            ann.click("[data-test=submit-bid]")
            expect(ann.locator("[data-test=choice-W1-1]")).to_have_value("L")
            lead = sign_in(chromium, base, "lead")
            lead.goto(f"{base}/shifts/{round_id}")
            expect(lead.locator("[data-test=bids]")).to_contain_text("L, E, E2")
            for step in ("close", "allocate"):
                lead.click(f"[data-test={step}]")
            expect(lead.locator("[data-test=outcomes]")).to_contain_text("You got your first choice")
            expect(lead.locator("[data-test=coverage]")).to_be_visible()
            screenshot(lead, "shifts-round-result")
            lead.click("[data-test=publish]")
            expect(lead.locator("[data-test=status]")).to_have_text("published")
            ann.goto(f"{base}/shifts")
            outcome = ann.locator("[data-test=my-outcomes]")
            expect(outcome).to_contain_text("Late Mon")
            expect(outcome.locator("[data-test=reason]").first).to_contain_text("You got your first choice")
            screenshot(ann, "shifts-agent-outcome")
            lead.goto(f"{base}/shifts/{draft_id}")  # a draft: the supervisor enters a shift by hand
            form = lead.locator("[data-test=shift-form]")
            form.locator("[name=id]").fill("N1")
            form.locator("[name=block]").select_option("W2")
            form.locator("[name=dates]").fill("2027-01-11 2027-01-12")
            form.locator("[name=start]").fill("22:00")
            form.locator("[name=end]").fill("06:00")
            form.locator("[name=seats]").fill("2")
            lead.click("[data-test=save-shift]")
            expect(lead.locator("[data-shift=N1]")).to_contain_text(
                "2027-01-11 22:00–06:00; 2027-01-12 22:00–06:00"
            )
            screenshot(lead, "shifts-round-entered")
    finally:
        engine.dispose()
