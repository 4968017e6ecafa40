"""Skills and routing pages in real headless Chromium over a small synthetic centre: a supervisor reaches
their team's skill table from the operations hub and the routing recommendations; an agent sees only their
own levels. Screenshots: skills-supervisor, routing-supervisor, skills-agent."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user, set_password
from callqa.web.app import create_app

pytestmark = [pytest.mark.issue(21), pytest.mark.slow, pytest.mark.timeout(300)]
PASSWORD = "plum tree at dusk"


def test_skill_and_routing_pages(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    factory = session_factory(engine)
    with factory.begin() as session:
        generate_centre(
            session, CentreShape(count=2000, agents=10, teams=2, days=60, until=date(2026, 11, 1))
        )
        create_user(
            session,
            UserCreate(
                username="lead01",
                display_name="Lead",
                password=PASSWORD,
                role=UserRole.SUPERVISOR,
                leads=["Team 01"],
            ),
        )
        set_password(session, "agent-0000", PASSWORD)  # a synthetic agent of Team 01
    refresh_insights(factory, InsightConfig(ZoneInfo("UTC")))
    app = create_app(
        Settings(data_dir=tmp_path / "data", database_url=url, secret_key=SecretStr("t" * 40)), engine=engine
    )
    team = {f"agent-{a:04d}" for a in range(0, 10, 2)}  # Team 01: the even agents
    try:
        with serving(app) as base, browser() as chromium:
            lead = sign_in(chromium, base, "lead01", PASSWORD)
            lead.goto(f"{base}/operations")
            lead.click("[data-test=op-skills] a")
            rows = lead.locator("table[data-test=skills] tbody tr")
            expect(rows).not_to_have_count(0)
            assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.agent)")) == team
            expect(lead.locator("[data-test=skills-csv]")).to_be_visible()
            screenshot(lead, "skills-supervisor")
            lead.goto(f"{base}/operations/routing?queue=cards")
            expect(lead.locator("section[data-test=routing][data-reason=card_lost_stolen]")).to_have_count(1)
            queues = lead.locator("section[data-test=routing]").evaluate_all(
                "ss => ss.map(s => s.dataset.queue)"
            )
            assert set(queues) == {"cards"} and len(queues) >= 4  # the card reasons (and the app outage's)
            ranked = lead.locator("section[data-test=routing] table.ranked tbody tr")
            assert set(ranked.evaluate_all("rs => rs.map(r => r.dataset.agent)")) <= team
            expect(lead.locator("[data-test=routing-exports] a")).not_to_have_count(0)
            screenshot(lead, "routing-supervisor")
            agent = sign_in(chromium, base, "agent-0000", PASSWORD)
            agent.goto(f"{base}/operations/skills")
            mine = agent.locator("table[data-test=skills] tbody tr")
            expect(mine).not_to_have_count(0)
            assert set(mine.evaluate_all("rs => rs.map(r => r.dataset.agent)")) == {"agent-0000"}
            screenshot(agent, "skills-agent")
    finally:
        engine.dispose()
