"""The live board and the assist page in real headless Chromium while a demo call streams in over a
real server: the alert shows on the supervisor's board and the card on the agent's page; acknowledging,
raising a hand and answering work both ways. Screenshots are kept under .artifacts/screenshots."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from sqlalchemy import select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.live.replay import call_messages
from callqa.users.models import UserRow
from callqa.users.service import create_token
from callqa.web.app import create_app
from qa_support import demo_interactions
from support import Database
from web_support import seed

pytestmark = [pytest.mark.issue(6), pytest.mark.timeout(300)]


@dataclass
class Site:
    base: str
    chromium: Any
    db: Database

    def token(self) -> str:
        with self.db.factory.begin() as session:
            admin = session.scalar(select(UserRow).where(UserRow.username == "admin"))
            assert admin is not None
            return create_token(session, admin.id, "browser test")[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("live-browser")
    path = tmp / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    db = Database("sqlite", url, engine, session_factory(engine))
    seed(db)
    settings = Settings(
        data_dir=tmp / "data", database_url=url, secret_key=SecretStr("t" * 40), live_model_process=False
    )
    try:
        with serving(create_app(settings, engine=engine)) as base, browser() as chromium:
            yield Site(base, chromium, db)
    finally:
        engine.dispose()


def send(site: Site, messages: list[dict[str, Any]]) -> None:
    import websockets

    async def run() -> None:
        url = site.base.replace("http://", "ws://") + "/api/live/ingest"
        async with websockets.connect(
            url, additional_headers={"authorization": f"Bearer {site.token()}"}
        ) as ws:
            for message in messages:
                await ws.send(json.dumps(message))
            await asyncio.sleep(0.3)

    # Playwright's sync API keeps an event loop on this thread: the socket client gets a thread of its own
    failures: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(failures, lambda: asyncio.run(run())))
    thread.start()
    thread.join(60)
    assert not failures, failures


def _capture(failures: list[BaseException], work: Any) -> None:
    try:
        work()
    except BaseException as exc:  # reported on the test's thread
        failures.append(exc)


def test_an_alert_on_the_board_and_a_card_on_the_agents_page(site: Site) -> None:
    lead: Page = sign_in(site.chromium, site.base, "sam.lead")
    agent: Page = sign_in(site.chromium, site.base, "j.smith")
    try:
        lead.goto(f"{site.base}/live")
        agent.goto(f"{site.base}/live/assist")
        for page in (lead, agent):
            expect(page.locator("[data-test=live-status]")).to_have_attribute("data-state", "live")
        expect(lead.locator("[data-test=call-count]")).to_be_hidden()  # no red "0" when nothing is live
        messages = [m for _, m in call_messages(demo_interactions()["en-call-02"], "browser-call")]
        send(site, messages[:-1])  # everything but call_end: the call stays on the board

        row = lead.locator("#calls tbody tr[data-call=browser-call]")
        expect(row).to_be_visible()
        expect(row.locator("td").first).to_have_text("j.smith")
        expect(row.locator("td").nth(3)).to_have_text("talking")
        escalation = lead.locator("#alerts li[data-rule=escalation_request]")
        expect(escalation).to_be_visible()
        expect(escalation).to_contain_text("I want to speak to your manager")
        expect(lead.locator("#alerts li[data-rule=account_before_verification]")).to_have_class(
            re.compile("sev-critical")
        )
        row.locator("a[data-watch]").click()
        expect(lead.locator("#watch-lines li")).to_have_count(
            len([m for m in messages if m["type"] == "segment"])
        )

        expect(agent.locator("#cards [data-source=escalation_request]")).to_be_visible()
        expect(agent.locator("#cards [data-source=disclosure_missing]")).to_contain_text(
            "recording disclosure"
        )
        assert agent.locator("#checklist li.done").count() == 0  # this agent said none of it
        screenshot(lead, "live-board")
        screenshot(agent, "live-assist")

        expect(escalation.locator("[data-test=ack]")).to_have_text("Acknowledge")
        escalation.locator("[data-test=ack]").click()
        expect(escalation.locator("[data-test=acked]")).to_contain_text("sam.lead")
        lead.reload()  # the acknowledgement is kept: the board loads it with the alert
        expect(lead.locator("[data-test=live-status]")).to_have_attribute("data-state", "live")
        expect(escalation.locator("[data-test=acked]")).to_contain_text("sam.lead")
        expect(escalation.locator("[data-test=ack]")).to_have_count(0)
        expect(lead.locator("[data-test=call-count]")).to_have_text("1")

        agent.fill("[data-test=help-question]", "Customer wants a manager, who is free?")
        agent.click("[data-test=help-send]")
        request = lead.locator("#help li")
        expect(request).to_contain_text("who is free?")
        request.locator("[data-test=answer-text]").fill("Joining your call now.")
        request.locator("[data-test=answer-send]").click()
        expect(agent.locator("[data-test=help-answer]")).to_have_text("Joining your call now.")
        expect(lead.locator("#help li")).to_have_count(0)

        send(site, messages[-1:])  # call_end
        expect(row).to_have_count(0)
        expect(lead.locator("[data-test=call-count]")).to_be_hidden()
        # the ended call's alerts are set apart, dimmed, linked to the stored interaction once it is stored
        ended = lead.locator("#alerts-ended li[data-rule=escalation_request]")
        expect(ended.locator("[data-test=stored]")).to_be_visible(timeout=60_000)
        expect(lead.locator("#alerts li[data-call=browser-call]")).to_have_count(0)
        link = ended.locator("[data-test=stored]").get_attribute("href")
        assert link is not None and re.fullmatch(r"/interactions/\d+", link)
        lead.reload()
        expect(lead.locator("[data-test=live-status]")).to_have_attribute("data-state", "live")
        expect(ended.locator("[data-test=stored]")).to_have_attribute("href", link)
        expect(ended.locator("[data-test=acked]")).to_contain_text("sam.lead")
        screenshot(lead, "live-board-ended")
        lead.goto(site.base + link)
        expect(lead.locator("h1")).to_contain_text("browser-call")
    finally:
        lead.context.close()
        agent.context.close()
