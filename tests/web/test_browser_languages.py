"""In Chromium: a user picks their language on the profile page and the whole interface follows —
Traditional Chinese left to right, Persian right to left (header, tables and forms mirrored), no page
scrolling sideways."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.i18n import LANGUAGES, LOCALES
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.interactions.models import InteractionRow
from callqa.web.app import create_app
from support import Database
from web_support import seed


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[tuple[str, Any, int]]:
    """The seeded app served on a loopback port, a headless Chromium, and one interaction's id."""
    tmp = tmp_path_factory.mktemp("languages")
    path = tmp / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    db = Database("sqlite", url, engine, session_factory(engine))
    seed(db)
    with db.factory() as session:
        ident = int(session.scalars(select(InteractionRow.id).order_by(InteractionRow.id)).first() or 0)
    settings = Settings(data_dir=tmp / "data", database_url=url, secret_key=SecretStr("t" * 40))
    try:
        with serving(create_app(settings, engine=engine)) as base, browser() as chromium:
            yield base, chromium, ident
    finally:
        engine.dispose()


@pytest.mark.parametrize("code", [c for c in ("zh_Hant", "lt", "fa") if c in LOCALES])
def test_the_interface_follows_the_language_picked_on_the_profile_page(
    site: tuple[str, Any, int], code: str
) -> None:
    base, chromium, ident = site
    page = sign_in(chromium, base, "analyst")
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/me")
        page.select_option("[data-test=language] select", code)
        page.click("[data-test=language] button[type=submit]")
        page.wait_for_url(f"{base}/me#language")
        page.goto(f"{base}/interactions/{ident}")
        language = LANGUAGES[code]
        html = page.locator("html")
        assert html.get_attribute("lang") == language.html_lang
        assert html.get_attribute("dir") == language.direction
        sideways = page.evaluate("(d => d.scrollWidth - d.clientWidth)(document.documentElement)")
        assert sideways <= 0, f"{code}: the page scrolls sideways by {sideways}px"
        brand = page.locator("header .brand").bounding_box()
        who = page.locator("header .who").bounding_box()
        assert brand and who
        if language.direction == "rtl":  # the brand on the right, the user's menu on the left
            assert brand["x"] > who["x"]
        else:
            assert brand["x"] < who["x"]
        screenshot(page, f"language-{code}-interaction-1280")
        page.goto(f"{base}/interactions")
        screenshot(page, f"language-{code}-interactions-1280")
    finally:
        page.context.close()
