"""An agent practises a stored scenario in real headless Chromium by typing (Enter sends, no reload until
the result), misses empathy once and takes the harder branch, and sees the result labelled as practice.
Screenshot: practice-result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr
from sqlalchemy import select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo.users import ensure_demo_users
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.app import create_app
from practice_support import CURT, EMPATHETIC, stored_scenario

pytestmark = [pytest.mark.issue(22), pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_agent_practises_by_typing_and_sees_the_result(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    factory = session_factory(engine)
    with factory.begin() as session:
        ensure_demo_users(session)
        analyst = session.scalar(select(UserRow).where(UserRow.username == "analyst"))
        assert analyst is not None
        actor = Actor(analyst.id, analyst.username, analyst.display_name, UserRole.QA_ANALYST)
        scenario_id = stored_scenario(session, "en", actor)
    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{path}", secret_key=SecretStr("t" * 40)
    )
    app = create_app(settings, engine=engine)
    try:
        with serving(app) as base, browser() as chromium:
            page = sign_in(chromium, base, "j.smith")
            page.goto(f"{base}/training/practice")
            page.locator(f"tr[data-scenario='{scenario_id}'] [data-test=start-practice]").click()
            lines = page.locator("[data-test=practice-lines] li")
            expect(lines).to_have_count(1)
            expect(lines.first).to_contain_text("charged twice")
            box = page.locator("[data-test=answer-text]")
            box.fill(CURT)
            box.press("Enter")
            # answered without a reload (the first answer also loads the pipeline's models)
            expect(lines).to_have_count(3, timeout=60_000)
            expect(lines.nth(2)).to_contain_text("third time")
            expect(lines.nth(1)).to_contain_text("missed")
            box.fill(EMPATHETIC)
            box.press("Enter")
            expect(lines).to_have_count(5)
            box.fill("The refund reaches your card within five days.")
            box.press("Enter")
            expect(page.locator("[data-test=practice-result]")).to_be_visible()
            expect(page.locator("[data-test=practice-label]")).to_contain_text("Practice")
            expect(page.locator("[data-test=practice-criteria] tr[data-criterion=empathy]")).to_contain_text(
                "sorry to hear"
            )
            expect(page.locator("[data-test=practice-result]")).to_contain_text("Harder branches taken: 1")
            screenshot(page, "practice-result")
    finally:
        engine.dispose()
