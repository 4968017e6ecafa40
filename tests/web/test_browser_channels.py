"""Channel preferences in real headless Chromium: an analyst opens the page from the operations hub on a
synthetic centre and sees the planted segment with its trend and the reasons moving from phone to chat.
Screenshot: channels-page."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine
from callqa.demo.users import ensure_demo_users
from callqa.insights.synthetic import CentreShape, generate_centre
from callqa.lifecycle.customer_key import attach_keyer
from callqa.privacy.customer_keys import CustomerKeyer
from callqa.web.app import create_app

pytestmark = [pytest.mark.issue(21), pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_analyst_reads_the_channel_segments(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    attach_keyer(factory, CustomerKeyer(b"b" * 32))
    with factory.begin() as session:
        generate_centre(
            session, CentreShape(count=4000, agents=10, teams=2, days=60, until=date(2026, 11, 1))
        )
        ensure_demo_users(session)
    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{path}", secret_key=SecretStr("t" * 40)
    )
    try:
        with serving(create_app(settings, engine=engine)) as base, browser() as chromium:
            page = sign_in(chromium, base, "analyst")
            page.goto(f"{base}/operations")
            page.locator("[data-test=channels-link]").click()
            page.fill("input[name=since]", "2026-10-03")
            page.fill("input[name=until]", "2026-11-01")
            page.get_by_role("button", name="Show").click()
            moved = page.locator('[data-segment="move:voice:chat"]')
            expect(moved).to_contain_text("voice-first, resolved on chat")
            expect(moved).to_contain_text(" pp")  # compared with the 30 days before
            expect(page.locator("#channel-moves")).to_contain_text("Card blocked, PIN or activation")
            expect(page.locator("[data-test=k-anonymity]")).to_contain_text("fewer than 5")
            screenshot(page, "channels-page")
    finally:
        engine.dispose()
