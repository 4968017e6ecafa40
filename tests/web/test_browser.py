"""The main pages in real headless Chromium against the app served by uvicorn: signing in, the interaction
list and its filters, evidence on the detail page, what an agent may see, right-to-left transcripts.

One seeded SQLite database, one server and one browser for the whole module (the pages under test only
read); every test signs in through the form in its own browser context (own cookies). Screenshots are kept
under .artifacts/screenshots (or $CALLQA_TEST_ARTIFACTS)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from sqlalchemy import func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo.users import DEMO_PASSWORD
from callqa.interactions.models import InteractionRow
from callqa.web.app import create_app
from support import Database
from web_support import seed


@dataclass
class Site:
    base: str
    chromium: Any  # playwright Browser
    db: Database

    def ids(self) -> dict[str, int]:
        """Interaction id by external id."""
        with self.db.factory() as session:
            rows = session.execute(select(InteractionRow.external_id, InteractionRow.id))
            return {external_id: ident for external_id, ident in rows}

    def page(self, username: str) -> Page:
        page: Page = sign_in(self.chromium, self.base, username)
        return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    """The seeded app (SQLite only) served on a loopback port, and a headless Chromium."""
    tmp = tmp_path_factory.mktemp("browser")
    path = tmp / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    db = Database("sqlite", url, engine, session_factory(engine))
    seed(db)
    settings = Settings(data_dir=tmp / "data", database_url=url, secret_key=SecretStr("t" * 40))
    try:
        with serving(create_app(settings, engine=engine)) as base, browser() as chromium:
            yield Site(base, chromium, db)
    finally:
        engine.dispose()


@pytest.fixture
def pages(site: Site) -> Iterator[list[Page]]:
    """Pages opened by a test; their browser contexts are closed after it."""
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


def test_analyst_signs_in_and_filters_the_list_by_channel(site: Site, pages: list[Page]) -> None:
    context = site.chromium.new_context(viewport={"width": 1400, "height": 900})
    page: Page = context.new_page()
    pages.append(page)
    page.goto(f"{site.base}/interactions")
    page.wait_for_url(re.compile(r"/login\?next=%2Finteractions$"))  # not signed in: to the form
    assert page.locator("#login input[type=hidden][name=csrf_token]").get_attribute("value")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_url(f"{site.base}/interactions")
    expect(page.locator("[data-test=me]")).to_be_visible()

    with site.db.factory() as session:
        total = int(session.scalar(select(func.count(InteractionRow.id))) or 0)
        chats = int(
            session.scalar(select(func.count(InteractionRow.id)).where(InteractionRow.channel == "chat"))
        )
    assert total > chats > 0
    expect(page.locator("[data-test=total]")).to_have_text(str(total))
    assert page.locator("#interactions tbody tr[data-id]").count() == min(total, 50)

    page.select_option("#filters select[name=channel]", "chat")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]channel=chat(&|$)"))
    expect(page.locator("[data-test=total]")).to_have_text(str(chats))
    rows = page.locator("#interactions tbody tr[data-id]")
    assert rows.count() == min(chats, 50)
    channels = rows.locator("td:nth-child(3)").all_inner_texts()
    assert channels == ["chat"] * rows.count()
    assert page.locator("#filters select[name=channel]").input_value() == "chat"  # the form keeps the filter
    screenshot(page, "interactions-list")


def test_opening_a_criterion_focuses_its_evidence(site: Site, pages: list[Page]) -> None:
    page = site.page("analyst")
    pages.append(page)
    page.goto(f"{site.base}/interactions/{site.ids()['en-call-01']}")
    expect(page.locator("h1")).to_have_text("en-call-01")
    assert page.locator("#transcript .turn[data-turn]").count() > 0
    criterion = page.locator("#criteria details.criterion").filter(has=page.locator(".evidence")).first
    name = criterion.get_attribute("data-criterion")
    assert name
    assert re.search(r"\b(pass|fail)\b", criterion.get_attribute("class") or "")
    marks = page.locator(f"#transcript mark[data-criteria~='{name}']")
    assert marks.count() > 0
    assert page.locator("#transcript mark.focus").count() == 0  # nothing focused before

    criterion.locator("summary").click()
    expect(criterion).to_have_attribute("open", "")
    for i in range(marks.count()):
        expect(marks.nth(i)).to_have_class(re.compile(r"\bfocus\b"))
    others = page.locator(f"#transcript mark.focus:not([data-criteria~='{name}'])")
    assert others.count() == 0  # only this criterion's evidence
    screenshot(page, "interaction-detail")

    criterion.locator("summary").click()  # closing it removes the focus again
    expect(page.locator("#transcript mark.focus")).to_have_count(0)


def test_agent_sees_only_their_own_interactions(site: Site, pages: list[Page]) -> None:
    with site.db.factory() as session:
        own = int(session.scalar(select(func.count()).where(InteractionRow.agent == "j.smith")) or 0)
        other = session.scalar(
            select(InteractionRow.id).where(InteractionRow.agent != "j.smith").order_by(InteractionRow.id)
        )
    assert own > 0 and other is not None

    page = site.page("j.smith")
    pages.append(page)
    page.goto(f"{site.base}/interactions")  # an agent signs in to their home
    expect(page.locator("[data-test=total]")).to_have_text(str(own))
    agents = page.locator("#interactions tbody tr[data-id] td:nth-child(5)").all_inner_texts()
    assert agents and set(agents) == {"j.smith"}

    response = page.goto(f"{site.base}/interactions/{other}")
    assert response is not None and response.status == 404  # hidden, not "forbidden": no existence leak
    expect(page.locator("main h1")).to_have_text("404")
    expect(page.locator("main .error")).to_have_text("not found")
    assert page.locator("#transcript").count() == 0
    screenshot(page, "agent-forbidden")


def test_persian_transcript_is_right_to_left(site: Site, pages: list[Page]) -> None:
    ids = site.ids()
    external = sorted(e for e in ids if e.startswith("acb-fa-"))[0]
    page = site.page("analyst")
    pages.append(page)
    page.goto(f"{site.base}/interactions/{ids[external]}")
    expect(page.locator("h1")).to_have_text(external)
    turns = page.locator("#transcript .turn[data-turn]")
    assert turns.count() > 0
    assert {turns.nth(i).get_attribute("dir") for i in range(turns.count())} == {"rtl"}
    direction = turns.first.evaluate("el => getComputedStyle(el).direction")
    assert direction == "rtl"  # the browser lays it out right to left
    assert re.search(r"[\u0600-\u06ff]", turns.first.inner_text())  # Persian script
    screenshot(page, "persian-rtl")


def test_wrong_password_shows_an_error_and_stays_on_login(site: Site, pages: list[Page]) -> None:
    context = site.chromium.new_context(viewport={"width": 1400, "height": 900})
    page: Page = context.new_page()
    pages.append(page)
    page.goto(f"{site.base}/login")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/login")) as posted:
        page.click("#login button[type=submit]")
    assert posted.value.status == 401
    expect(page.locator("#login [role=alert]")).to_have_text("Wrong username or password.")
    assert page.url == f"{site.base}/login"
    assert page.locator("input[name=username]").input_value() == "analyst"  # kept for a retry
    assert page.locator("input[name=password]").input_value() == ""
    assert page.locator("[data-test=me]").count() == 0  # not signed in
    screenshot(page, "login-error")
