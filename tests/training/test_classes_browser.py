"""A recording-analysis class in real headless Chromium: three demo interactions presented one after the
other (a moment clicked seeks the recording, the notes revealed), and an agent's comment added to the
knowledge base in one step. Screenshot: training-class-presenter."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo import demo_data_dir
from callqa.interactions.models import InteractionRow
from callqa.knowledge.models import ArticleRow
from callqa.storage.files import FileStore
from callqa.web.app import create_app
from support import Database
from web_support import Web, seed

pytestmark = [pytest.mark.issue(22), pytest.mark.slow, pytest.mark.timeout(300)]
NOTES = "The agent never confirms the amount: ask the class what they would have said."
ANSWER = "I would repeat the amount back and apologise before anything else."


def _web(tmp_path: Path, sqlite_template: Path) -> Web:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    db = Database("sqlite", f"sqlite:///{path}", engine, session_factory(engine))
    seed(db)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    web = Web(db, create_app(settings, engine=engine), settings)
    store = FileStore(settings.resolved_file_store())  # the demo call's recording, where the app reads it
    uri = store.put_file(demo_data_dir() / "calls" / "en-audio-01.flac", "recordings/test/en-audio-01.flac")
    with db.factory.begin() as session:
        row = session.get(InteractionRow, web.ids()["en-audio-01"])
        assert row is not None and row.recording is not None
        row.recording = {**row.recording, "uri": uri}
    return web


def test_a_class_of_three_calls_is_presented_and_an_answer_joins_the_knowledge_base(
    tmp_path: Path, sqlite_template: Path
) -> None:
    web = _web(tmp_path, sqlite_template)
    lead, agent = web.signed_in("sam.lead"), web.signed_in("j.smith")
    created = lead.post("/api/classes", json={"title": "Confirming amounts", "team": "Team North"})
    class_id = created.json()["id"]  # type: ignore[attr-defined]
    for ident, moment in (
        ("en-audio-01", {"ms": 3000, "label": "the amount is read out"}),
        ("en-call-01", {"turn": 1, "label": "the greeting"}),
        ("en-call-02", {"turn": 2, "label": "the apology that never comes"}),
    ):
        body = {"interaction": ident, "moments": [moment], "notes": NOTES}
        assert lead.post(f"/api/classes/{class_id}/items", json=body).status_code == 201  # type: ignore[attr-defined]
    assert lead.post(f"/api/classes/{class_id}/start").status_code == 200  # type: ignore[attr-defined]
    said = agent.post(f"/api/classes/{class_id}/items/3/comments", json={"text": ANSWER, "turn": 2})
    assert said.status_code == 201  # type: ignore[attr-defined]
    try:
        with serving(web.app) as base, browser() as chromium:
            page = sign_in(chromium, base, "sam.lead")
            page.goto(f"{base}/training/classes")
            page.click(f"[data-test=present-{class_id}]")
            expect(page.locator("[data-test=position]")).to_have_text("Interaction 1 of 3")
            expect(page.locator("[data-test=external-id]")).to_have_text("en-audio-01")
            page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=20_000)
            page.locator("[data-test=moment]").first.click()
            page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 3) < 0.5")
            expect(page.locator("[data-test=notes-hidden], [data-test=notes]")).to_have_count(0)
            page.click("[data-test=reveal]")
            expect(page.locator("[data-test=notes]")).to_have_text(NOTES)
            screenshot(page, "training-class-presenter")
            page.click("[data-test=next]")
            expect(page.locator("[data-test=position]")).to_have_text("Interaction 2 of 3")
            flag = page.locator("[data-test=moment-flag]")
            expect(flag).to_have_text("★ the greeting")
            flag.click()
            expect(page.locator("#turn-1")).to_have_class(re.compile(r"\bclass-moment\b"))
            page.click("[data-test=next]")
            expect(page.locator("[data-test=position]")).to_have_text("Interaction 3 of 3")
            expect(page.locator("[data-test=next]")).to_have_count(0)
            expect(page.locator("[data-test=comment]")).to_contain_text(ANSWER)
            page.click("[data-test=promote-comment]")
            expect(page.locator("[data-test=kb-article]")).to_be_visible()
            page.click("[data-test=kb-article]")
            expect(page.locator("[data-test=article]").first).to_contain_text(ANSWER)
    finally:
        web.db.engine.dispose()
    with web.db.factory() as session:
        [article] = session.query(ArticleRow).all()
        assert ANSWER in article.body and "Confirming amounts" in article.title
        assert (article.source_interaction_id, article.source_turn) == (web.ids()["en-call-02"], 2)
