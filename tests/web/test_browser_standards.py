"""QA standards in real headless Chromium: an analyst opens the page from the operations hub, reads the
table, tries a bad blend (O163 on the page), follows the measured effects alone (blend 1, factor 3) and
turns that suggestion into a draft version that the scorecard page lists. Screenshots: standards-page,
standards-controls, standards-draft."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo.users import ensure_demo_users
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.web.app import create_app
from reweight_support import NAME, build_centre

pytestmark = [pytest.mark.issue(21), pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_analyst_turns_the_suggestion_into_a_draft(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    factory = session_factory(engine)
    with factory.begin() as session:
        ensure_demo_users(session)
        build_centre(session)
    refresh_insights(factory, InsightConfig(ZoneInfo("UTC")))
    settings = Settings(
        data_dir=tmp_path / "data", database_url=url, secret_key=SecretStr("b" * 40), background_jobs=False
    )
    app = create_app(settings, engine=engine)
    with serving(app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        page.goto(f"{base}/operations")
        expect(page.locator("[data-test=standards-link] a")).to_be_visible()
        page.goto(f"{base}/operations/standards?scorecard={NAME}&since=2026-05-01&until=2026-05-31")
        greeting = page.locator("tr[data-criterion=greeting]")
        expect(greeting.locator("[data-test=suggested]")).to_contain_text("10 (+5)")
        expect(greeting).to_contain_text("the strongest driver of CSAT")
        expect(page.locator("[data-test=correlation]")).to_contain_text("with the suggested weights")
        screenshot(page, "standards-page")
        page.fill("[data-test=blend]", "2")  # out of bounds: the coded error, on the page
        page.click("[data-test=recompute]")
        expect(page.locator("[data-test=controls-error]")).to_contain_text("[O163]")
        page.fill("[data-test=blend]", "1")  # follow the measured effects alone, at most 3 times the weight
        page.fill("[data-test=factor]", "3")
        page.fill("[data-test=floor]", "0.01")
        page.click("[data-test=recompute]")
        expect(greeting.locator("[data-test=suggested]")).to_contain_text("14 (+9)")
        expect(page.locator("[data-test=scope]")).to_contain_text("2026-05-01 – 2026-05-31")
        screenshot(page, "standards-controls")
        page.click("[data-test=create-draft]")
        page.wait_for_url(f"{base}/scorecards/{NAME}?version=2")
        expect(page.locator("[data-test=draft]")).to_have_count(1)
        expect(page.locator("[data-test=draft-note]")).to_be_visible()
        expect(page.locator("#editor")).to_have_value(re.compile(r"^# Draft made .*weight: 14", re.S))
        screenshot(page, "standards-draft")
    engine.dispose()
