"""The scenario library in headless Chromium over the scored demo calls: an analyst builds a scenario from an
interaction page and sees its key points; an agent reads a Persian scenario right to left, without them.
Screenshots: scenario-analyst, scenario-agent-fa."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr
from sqlalchemy import select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.users.models import UserRow
from callqa.users.service import set_locale
from callqa.web.app import create_app
from scenario_support import EN_CARD_CALL, FA_CALL, interaction_id
from support import Database
from web_support import seed

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_build_from_the_interaction_page_and_read_as_an_agent(sqlite_db: Database, tmp_path: Path) -> None:
    seed(sqlite_db)
    with sqlite_db.factory.begin() as session:
        en, fa = interaction_id(session, EN_CARD_CALL), interaction_id(session, FA_CALL)
        agent = session.scalars(select(UserRow).where(UserRow.username == "j.smith")).one()
        set_locale(session, agent.id, "fa")
    settings = Settings(
        data_dir=tmp_path / "data", database_url=sqlite_db.url, secret_key=SecretStr("t" * 40)
    )
    app = create_app(settings, engine=sqlite_db.engine)
    with serving(app) as base, browser() as chromium:
        analyst = sign_in(chromium, base, "analyst")
        analyst.goto(f"{base}/interactions/{en}")
        analyst.click("[data-test=build-scenario]")
        analyst.wait_for_url(f"{base}/training/scenarios/*")
        expect(analyst.locator("#l1-t5 [data-test=key-point]")).to_contain_text("No card data read back")
        expect(analyst.locator("[data-test=level-3]")).to_be_visible()
        screenshot(analyst, "scenario-analyst")
        analyst.goto(f"{base}/interactions/{fa}")
        analyst.click("[data-test=build-scenario]")
        analyst.wait_for_url(f"{base}/training/scenarios/*")
        built = analyst.url

        reader = sign_in(chromium, base, "j.smith")
        reader.goto(f"{base}/training")
        reader.click("[data-test=hub-library] a")
        expect(reader.locator("table[data-test=scenarios] tbody tr")).to_have_count(2)
        reader.goto(built)
        assert reader.locator("html").get_attribute("dir") == "rtl"
        expect(reader.locator("[data-test=branch]").first).to_contain_text("اصلاً به حرف‌های من گوش می‌دهید؟")
        expect(reader.locator("[data-test=key-point]")).to_have_count(0)
        screenshot(reader, "scenario-agent-fa")
