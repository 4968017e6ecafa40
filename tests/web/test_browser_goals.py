"""Goals in real headless Chromium: an agent signs in to their home (goals with progress bars, scores,
action items, disputes) and a supervisor's team dashboard draws the goal's target line. Screenshots:
goals-agent-home, goals-team-dashboard."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_support import browser, screenshot, serving, sign_in
from callqa.db.engine import create_db_engine, session_factory
from goals_support import build_centre
from support import Database

pytestmark = [pytest.mark.issue(19), pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_agents_home_and_a_dashboard_with_a_target_line(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    centre = build_centre(Database("sqlite", f"sqlite:///{path}", engine, session_factory(engine)), tmp_path)
    admin = centre.web.signed_in("admin")
    first = centre.month[0].isoformat()
    for body in (
        {"scope": "team", "team": "North", "target": 85},
        {
            "scope": "agent",
            "agent": "ann",
            "metric": "criterion_pass_rate",
            "criterion": "Greeting",
            "target": 80,
        },
    ):
        assert (
            admin.post(
                "/api/goals", json={"metric": "score", "period": "month", "starts_on": first, **body}
            ).status_code
            == 201
        )  # type: ignore[attr-defined]
    try:
        with serving(centre.web.app) as base, browser() as chromium:
            home = sign_in(chromium, base, "ann")
            assert home.url == f"{base}/home"
            expect(home.locator("[data-test=goal-bar]")).to_have_count(2)
            expect(home.locator("[data-test=my-goals]")).to_contain_text(
                "90.0 against a target of 85 — 5.0 above"
            )
            expect(home.locator("[data-test=my-actions]")).to_contain_text("Use the customer's name")
            expect(home.locator("[data-test=my-disputes]")).to_contain_text("Greeting")
            bar = home.locator("[data-test=goal-bar] > span").first.bounding_box()
            assert bar is not None and bar["width"] > 0
            screenshot(home, "goals-agent-home")
            lead = sign_in(chromium, base, "lead")
            lead.goto(f"{base}/insights?team=North&since={first}&until={centre.month[1].isoformat()}")
            expect(lead.locator("svg[data-test=trend] [data-test=target-line]")).to_be_visible()
            expect(lead.locator("[data-test=goal-lines]")).to_contain_text(
                "North: 83.3 against a target of 85 — 1.7 below"
            )
            screenshot(lead, "goals-team-dashboard")
    finally:
        engine.dispose()
