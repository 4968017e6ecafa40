"""An agent answers a practice by voice in real headless Chromium: the microphone is a WAV file of the demo
call's agent (Chromium's fake capture device), the page records it with MediaRecorder, uploads it, the
offline Whisper transcribes it and the detectors take the branch. Screenshot: practice-voice."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Route, expect
from pydantic import SecretStr
from sqlalchemy import select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo.users import ensure_demo_users
from callqa.training.models import PracticeRow
from callqa.training.practice import turns_of
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.app import create_app
from practice_support import CURT, EMPATHETIC, VERIFY, agent_clip, stored_scenario

pytestmark = [pytest.mark.issue(22), pytest.mark.slow, pytest.mark.timeout(300)]

PAD_S = 1.0  # silence around the words, so a recording that starts a little late still hears them all


def _microphone(wav: Path) -> list[str]:
    """Chromium switches: grant the microphone without asking, and let the WAV file be it."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]


def test_an_agent_answers_by_voice_in_the_browser(tmp_path: Path, sqlite_template: Path) -> None:
    wav = agent_clip(tmp_path / "microphone.wav", VERIFY, pad_s=PAD_S)
    seconds = VERIFY[1] - VERIFY[0] + 2 * PAD_S
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
        with serving(app) as base, browser(_microphone(wav)) as chromium:
            page = sign_in(chromium, base, "j.smith")
            page.goto(f"{base}/training/practice")
            page.locator(f"tr[data-scenario='{scenario_id}'] [data-test=start-practice]").click()
            lines = page.locator("[data-test=practice-lines] li")
            agent_lines = page.locator("[data-test=practice-lines] li[data-role=agent]")
            expect(lines).to_have_count(1)
            # typed first; the answer is held on its way (deterministically: the test releases it), and a
            # second answer typed meanwhile is kept in the box, not sent
            held: list[Route] = []

            def hold(route: Route) -> None:
                held.append(route)

            page.route("**/api/practices/*/answer", hold)
            box = page.locator("[data-test=answer-text]")
            box.fill(CURT)
            box.press("Enter")
            for _ in range(100):
                if held:
                    break
                page.wait_for_timeout(100)
            assert len(held) == 1, "the typed answer was not sent"
            box.fill(EMPATHETIC)
            box.press("Enter")
            page.wait_for_timeout(500)
            assert len(held) == 1  # the second answer was not sent
            held[0].continue_()
            page.unroute("**/api/practices/*/answer")
            expect(lines).to_have_count(3, timeout=60_000)  # the curt answer took the harder branch
            expect(lines.nth(2)).to_contain_text("third time")
            expect(agent_lines).to_have_count(1)
            expect(box).to_have_value(EMPATHETIC)  # kept, not sent
            expect(page.locator("[data-test=practice-status]")).not_to_contain_text("T130")
            box.fill("")
            # then by voice, to the angry customer
            record = page.locator("[data-test=record]")
            expect(record).to_be_visible()  # MediaRecorder and a microphone are there
            record.click()
            expect(page.locator("[data-test=practice-status]")).to_contain_text("Recording")
            time.sleep(seconds)  # the fake microphone plays the clip in real time
            record.click()
            # uploaded, transcribed (the first recording also loads Whisper), branched: the next line or,
            # when the answer missed again, the result (the conversation stays on the page either way)
            expect(agent_lines).to_have_count(2, timeout=120_000)
            screenshot(page, "practice-voice")
        with factory() as session:
            practice = session.scalars(
                select(PracticeRow).where(PracticeRow.scenario_id == scenario_id)
            ).one()
            turns = turns_of(session, practice.id)
        assert [(t.role, t.input) for t in turns[:4]] == [
            ("customer", None),
            ("agent", "typed"),
            ("customer", None),
            ("agent", "voice"),
        ]
        spoken = turns[3]
        # what Whisper hears shifts a little with the CPU: the clip says "… verify your identity …"
        heard = spoken.text.lower()
        assert spoken.step_id == "angry" and any(word in heard for word in ("verify", "identity")), heard
        assert spoken.checks and spoken.checks[0]["criterion"] == "empathy"
        if spoken.branch == "pass":  # what Whisper heard decides it: the customer calms down
            assert practice.state == "running" and practice.current_step == turns[4].step_id == "calm"
        else:  # missed again, and the angry step has no harder branch: the practice ends, scored
            assert spoken.branch == "miss" and len(turns) == 4
            assert practice.state == "finished" and practice.score is not None
    finally:
        engine.dispose()
