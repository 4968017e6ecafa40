"""Assignments in real headless Chromium: a supervisor assigns a scenario to their team through the form and
follows it up (practice and real-work change), a Persian agent sees "my assignments" right to left with the
link to practise, and the team's meeting pack. Screenshots: training-assignments, training-my-assignments-fa,
training-meeting-pack. Practice rows are inserted directly."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pydantic import SecretStr
from sqlalchemy import select, update

from assign_support import PASSWORD, people, practice, real_result, scenario
from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.training.assignments import mark_done
from callqa.training.models import AssignmentRow
from callqa.users.models import UserRow
from callqa.web.app import create_app

pytestmark = [pytest.mark.issue(22), pytest.mark.slow, pytest.mark.timeout(300)]


def test_assign_to_a_team_follow_it_up_and_the_meeting_pack(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "callqa.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_db_engine(f"sqlite:///{path}")
    factory = session_factory(engine)
    now = datetime.now(UTC)
    with factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst, "fa", "مشتری دو بار پرداخت کرده")
        scenario_id = s.id
        session.execute(update(UserRow).where(UserRow.id == p.ana).values(locale="fa"))
        for days, outcome in ((5, "fail"), (4, "fail"), (3, "pass")):
            real_result(
                session,
                agent="ana",
                team="North",
                started_at=now - timedelta(days=days),
                outcomes={"empathy": outcome},
                reason="billing",
            )
    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{path}", secret_key=SecretStr("b" * 40)
    )
    try:
        with serving(create_app(settings, engine=engine)) as base, browser() as chromium:
            lead = sign_in(chromium, base, "sam", PASSWORD)
            lead.goto(f"{base}/training/assignments")
            form = lead.locator("[data-test=assign-form]")
            form.locator("select[name=scenario_id]").select_option(str(scenario_id))
            form.locator("input[name=whom][value=team]").check()
            form.locator("select[name=team]").select_option("North")
            form.locator("input[name=due_on]").fill((now + timedelta(days=7)).date().isoformat())
            form.locator("textarea[name=note]").fill("Acknowledge first, then explain the refund.")
            form.locator("[data-test=assign]").click()
            expect(lead.locator("[data-test=assigned]")).to_be_visible()
            expect(lead.locator("[data-test=assignments] tbody tr")).to_have_count(2)

            with factory.begin() as session:
                row = session.scalars(select(AssignmentRow).where(AssignmentRow.agent_id == p.ana)).one()
                for minutes, score, passed, harder in ((30, 58.0, False, 1), (5, 91.0, True, 0)):
                    done = practice(
                        session,
                        agent_id=p.ana,
                        scenario_id=scenario_id,
                        score=score,
                        passed=passed,
                        harder=harder,
                        finished_at=now - timedelta(minutes=minutes),
                        assignment_id=row.id,
                    )
                mark_done(session, done)
            lead.reload()
            ana_row = lead.locator(f"#assignment-{row.id}")
            expect(ana_row).to_have_attribute("data-state", "done")
            expect(ana_row.locator("[data-test=practice-progress]")).to_contain_text("58.0 → 91.0")
            expect(ana_row.locator("[data-test=real-change]")).to_contain_text("33% → –")
            screenshot(lead, "training-assignments")

            agent = sign_in(chromium, base, "ben", PASSWORD)
            agent.goto(f"{base}/training/assignments")
            expect(agent.locator("[data-test=practise]")).to_have_attribute(
                "href", re.compile(rf"/training/practice#assignment-{row.id + 1}$")
            )
            fa = sign_in(chromium, base, "ana", PASSWORD)
            fa.goto(f"{base}/training/assignments")
            expect(fa.locator("html")).to_have_attribute("dir", "rtl")
            expect(fa.locator("h1")).to_have_text("تکالیف من")
            screenshot(fa, "training-my-assignments-fa")

            lead.goto(f"{base}/training/meeting-pack?team=North&month={now.strftime('%Y-%m')}")
            expect(lead.locator("[data-test=pack-practice]")).to_contain_text("ana")
            expect(lead.locator("[data-test=pack-assignments]")).to_contain_text("2")
            screenshot(lead, "training-meeting-pack")
    finally:
        engine.dispose()
