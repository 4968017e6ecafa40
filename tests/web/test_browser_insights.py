"""Insights dashboards in real headless Chromium: the demo data plus a synthetic centre of 4,000 scored
interactions; charts drawn, a click on a mark lists the interactions behind it, team and agent views, the
Chinese interface. Screenshots: insights-centre, insights-team, insights-agent, insights-zh."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from callqa.web.app import create_app
from support import Database
from web_support import seed

pytestmark = [pytest.mark.issue(7), pytest.mark.timeout(300)]
PERIOD = "since=2026-08-05&until=2026-11-01"
CHARTS = ("trend", "volume", "failures", "histogram", "heatmap", "volume-channel", "volume-language")


@dataclass
class Site:
    base: str
    chromium: Any

    def page(self, username: str) -> Page:
        page: Page = sign_in(self.chromium, self.base, username)
        return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("insights")
    path = tmp / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    db = Database("sqlite", url, engine, session_factory(engine))
    seed(db)
    with db.factory.begin() as session:
        generate_centre(
            session, CentreShape(count=4000, agents=24, teams=3, days=88, until=date(2026, 11, 1))
        )
    settings = Settings(data_dir=tmp / "data", database_url=url, secret_key=SecretStr("t" * 40))
    refresh_insights(db.factory, InsightConfig.from_settings(settings))
    try:
        with serving(create_app(settings, engine=engine)) as base, browser() as chromium:
            yield Site(base, chromium)
    finally:
        engine.dispose()


@pytest.fixture
def pages() -> Iterator[list[Page]]:
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


def charts_drawn(page: Page) -> None:
    for name in CHARTS:
        chart = page.locator(f"svg[data-test={name}]")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 40, name
        assert chart.locator("rect, circle").count() > 0, name


def listed_total(page: Page) -> int:
    return int(page.locator("[data-test=total]").inner_text())


def test_the_centre_dashboard_and_drilling_down_from_a_heat_map_cell(site: Site, pages: list[Page]) -> None:
    page = site.page("analyst")
    pages.append(page)
    page.goto(f"{site.base}/insights?{PERIOD}")
    charts_drawn(page)
    tiles = int(page.locator("[data-test=tile-n]").inner_text())
    assert tiles > 4000
    screenshot(page, "insights-centre")
    # the busiest Monday-morning cell: its hover text states the count the list must show
    cell = page.locator("svg[data-test=heatmap] a rect").filter(
        has=page.locator("title", has_text="Mon 09:00")
    )
    title = cell.locator("title").text_content() or ""
    expected = int(re.search(r"(\d+) interactions", title).group(1))  # type: ignore[union-attr]
    cell.click()
    page.wait_for_url(re.compile(r"/interactions\?.*hour=9"))
    assert listed_total(page) == expected > 0
    # a criterion's failure bar lists the interactions that failed it
    page.go_back()
    bar = page.locator("svg[data-test=failures] a").first
    failed = int(re.search(r"failed (\d+) of", bar.locator("title").text_content() or "").group(1))  # type: ignore[union-attr]
    bar.locator("rect").click()
    page.wait_for_url(re.compile(r"/interactions\?.*failed="))
    assert listed_total(page) == failed


def test_team_and_agent_views(site: Site, pages: list[Page]) -> None:
    page = site.page("admin")
    pages.append(page)
    page.goto(f"{site.base}/insights?{PERIOD}")
    page.select_option("#insight-filters select[name=team]", "Team 02")
    page.fill("#insight-filters input[name=since]", "2026-08-05")
    page.fill("#insight-filters input[name=until]", "2026-11-01")
    page.click("#insight-filters button[type=submit]")
    expect(page.locator("[data-test=scope]")).to_contain_text("Team 02")
    rows = page.locator("#insight-agents tbody tr")
    assert rows.count() == 8  # 24 agents over 3 teams
    assert all(
        t == "Team 02" for t in page.locator("#insight-agents tbody td:nth-child(2)").all_inner_texts()
    )
    charts_drawn(page)
    screenshot(page, "insights-team")
    agent = rows.first.locator("a").first
    name = agent.inner_text()
    agent.click()
    expect(page.locator("[data-test=scope]")).to_contain_text(name)
    expect(page.locator("#insight-agents")).to_have_count(0)
    charts_drawn(page)
    screenshot(page, "insights-agent")


def test_a_chinese_supervisor_sees_their_teams_in_chinese(site: Site, pages: list[Page]) -> None:
    page = site.page("wang.fang")
    pages.append(page)
    page.goto(f"{site.base}/insights?{PERIOD}")
    expect(page.locator("h1")).to_contain_text("质量洞察")
    teams = set(page.locator("#insight-agents tbody td:nth-child(2)").all_inner_texts())
    assert teams == {"Team Shanghai", "Team Taipei"}
    screenshot(page, "insights-zh")
