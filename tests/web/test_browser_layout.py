"""Every page at every screen size, in one headless Chromium: for each role, each page its nav links to (read
from the page itself, so pages added later are covered) plus an interaction with a review under dispute, an
agent's page and a calibration session, at 390 (phone), 1280, 1440 and 1920 px. No page scrolls sideways, no
button, nav link or badge has its text cut, a phone gets 40 px tap targets and a Menu button in place of the
nav; right-to-left languages get the same checks. Screenshots: layout-<role>-<width>-<page>.png under
.artifacts/screenshots (docs/web.md, "Screen sizes")."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from sqlalchemy import select, update

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.interactions.models import InteractionRow
from callqa.users.models import UserRow
from callqa.web.app import create_app
from layout_support import HEIGHT, PHONE, WIDTHS, direction, layout_problems, locales
from support import Database
from web_support import Web, seed

pytestmark = [pytest.mark.slow, pytest.mark.issue(19), pytest.mark.timeout(300)]

ROLES = {"admin": "admin", "qa_analyst": "analyst", "supervisor": "sam.lead", "agent": "j.smith"}
AGENT = "j.smith"
# the pages kept as screenshots at every width (the others are checked, not kept)
KEY_PAGES = ("interactions", "interaction", "agent", "calibration")


@dataclass
class Site:
    base: str
    chromium: Any  # playwright Browser
    db: Database
    extra: dict[str, str]  # page name → path: an interaction under dispute, an agent, a calibration session

    def page(self, username: str, width: int) -> Page:
        page: Page = sign_in(self.chromium, self.base, username)
        page.set_viewport_size({"width": width, "height": HEIGHT})
        return page


def _prepare(web: Web) -> dict[str, str]:
    """Through the API: a shared review of the agent's call with a changed criterion and an open dispute (the
    fullest review card), and a calibration session."""
    with web.db.factory() as session:
        calls = session.scalars(
            select(InteractionRow.id).where(InteractionRow.agent == AGENT).order_by(InteractionRow.id)
        ).all()
        external = session.scalars(select(InteractionRow.external_id).order_by(InteractionRow.id)).all()
    ident = calls[0]
    analyst = web.signed_in("analyst")
    review: Any = analyst.post(f"/api/interactions/{ident}/review")
    assert review.status_code == 201, review.text
    body = review.json()
    first, second = body["criteria"][0], body["criteria"][1]
    flip = {"pass": "fail", "fail": "pass", "n/a": "pass"}
    changed: Any = analyst.post(
        f"/api/reviews/{body['id']}/overrides",
        json={"criterion": first["id"], "outcome": flip[first["outcome"]], "reason": "checked the recording"},
    )
    assert changed.status_code == 200, changed.text
    assert analyst.post(f"/api/reviews/{body['id']}/share", json={}).status_code == 200  # type: ignore[attr-defined]
    agent = web.signed_in(AGENT)
    graded: Any = agent.post(
        f"/api/reviews/{body['id']}/self-evaluation",
        json={"outcomes": {c["id"]: "pass" for c in body["criteria"]}},
    )
    assert graded.status_code == 201, graded.text
    disputed: Any = agent.post(
        f"/api/reviews/{body['id']}/disputes",
        json={
            "criterion": second["id"],
            "requested": flip[second["outcome"]],
            "comment": "please listen again",
        },
    )
    assert disputed.status_code == 201, disputed.text
    calibration: Any = analyst.post(
        "/api/calibrations",
        json={
            "name": "Layout check",
            "interactions": external[:3],
            "graders": ["analyst", "admin", "sam.lead"],
        },
    )
    assert calibration.status_code == 201, calibration.text
    return {
        "interaction": f"/interactions/{ident}",
        "agent": f"/agents/{AGENT}",
        "calibration": f"/calibrations/{calibration.json()['id']}",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    """The seeded app (SQLite) served on a loopback port, and one headless Chromium for the module."""
    tmp = tmp_path_factory.mktemp("layout")
    path = tmp / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    db = Database("sqlite", url, engine, session_factory(engine))
    seed(db)
    settings = Settings(data_dir=tmp / "data", database_url=url, secret_key=SecretStr("t" * 40))
    app = create_app(settings, engine=engine)
    extra = _prepare(Web(db, app, settings))
    try:
        with serving(app) as base, browser() as chromium:
            yield Site(base, chromium, db, extra)
    finally:
        engine.dispose()


def nav_pages(page: Page, base: str) -> dict[str, str]:
    """The pages the header links to (nav and profile), by a short name; this site's pages only."""
    hrefs: list[str] = page.eval_on_selector_all(
        "header nav a[href], header .who a[href]", "links => links.map(a => a.href)"
    )
    pages = {}
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith("/api/"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        pages[parts.path.strip("/").replace("/", "-") or "home"] = path
    return pages


def check_pages(
    site: Site, page: Page, pages: dict[str, str], label: str, keep: tuple[str, ...], widths: tuple[int, ...]
) -> list[str]:
    """Visit every page at every width; the layout problems found (empty when all fit)."""
    problems = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for name, path in pages.items():
            response = page.goto(site.base + path)
            assert response is not None
            if response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
                problems.append(f"{label} {width}px {path}: answered {response.status}")
                continue
            problems += layout_problems(page, f"{label} {width}px {path}")
            if name in keep:
                screenshot(page, f"layout-{label}-{width}-{name}")
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_role_fits_every_width(site: Site, role: str) -> None:
    page = site.page(ROLES[role], 1280)
    try:
        pages = nav_pages(page, site.base)
        assert len(pages) >= 5, pages  # the nav was found
        for name, path in site.extra.items():  # a calibration session only for roles whose nav offers them
            if name != "calibration" or any(p.startswith("/calibrations") for p in pages.values()):
                pages[name] = path
        keep = KEY_PAGES if role != "admin" else ()
        problems = check_pages(site, page, pages, role, keep=keep, widths=WIDTHS)
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)


def test_a_phone_gets_a_menu_and_a_desktop_the_whole_nav(site: Site) -> None:
    page = site.page("admin", PHONE)
    try:
        links = page.locator("header nav a")
        expect(page.locator("[data-test=menu-button]")).to_be_visible()
        expect(links.first).to_be_hidden()  # folded away until asked for
        page.click("[data-test=menu-button]")
        expect(links.first).to_be_visible()
        heights = [
            box["height"] for box in (links.nth(i).bounding_box() for i in range(links.count())) if box
        ]
        assert len(heights) == links.count() and min(heights) >= 40, heights
        assert layout_problems(page, "admin 390px open menu") == []
        screenshot(page, "layout-menu-390")
        links.filter(has_text="Notifications").click()  # a link in the menu goes where it says
        page.wait_for_url(f"{site.base}/notifications")
        expect(page.locator("[data-test=menu-button]")).to_be_visible()
        for width in WIDTHS[1:]:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            expect(page.locator("[data-test=menu-button]")).to_be_hidden()
            assert links.count() == sum(1 for i in range(links.count()) if links.nth(i).is_visible()), width
    finally:
        page.context.close()


RTL = [code for code in locales() if direction(code) == "rtl"]


@pytest.mark.parametrize(
    "locale", RTL or [pytest.param("rtl", marks=pytest.mark.skip("no RTL language yet"))]
)
def test_right_to_left_pages_fit_and_mirror(site: Site, locale: str) -> None:
    with site.db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "admin").values(locale=locale))
    page = site.page("admin", PHONE)
    try:
        assert page.get_attribute("html", "dir") == "rtl"
        pages = {**nav_pages(page, site.base), **site.extra}
        problems = check_pages(site, page, pages, f"admin-{locale}", keep=KEY_PAGES, widths=(PHONE, 1440))
    finally:
        page.context.close()
        with site.db.factory.begin() as session:
            session.execute(update(UserRow).where(UserRow.username == "admin").values(locale="en"))
    assert not problems, "\n".join(problems)
