"""Issue 22 end to end in headless Chromium over the scored demo calls: an analyst builds a scenario about
empathy from a demo call where it failed and assigns it to the agent; the agent practises it by typing twice —
once acknowledging the customer (empathy passes, no harder branch), once curtly (the customer gets angrier:
the harder branch, and empathy fails) — and the agent's supervisor sees both practices in the quality file,
apart from the real work. Screenshots: training-flow-scenario, training-flow-quality-file."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from sqlalchemy import func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.core.settings import Settings
from callqa.scoring.models import EvaluationRow
from callqa.training.models import PracticeRow
from callqa.web.app import create_app
from practice_support import CURT, EMPATHETIC
from scenario_support import interaction_id
from support import Database
from web_support import seed

pytestmark = [pytest.mark.issue(22), pytest.mark.slow, pytest.mark.timeout(600)]

SOURCE_CALL = "en-call-05"  # j.smith's call: empathy (among others) failed
MAX_ANSWERS = 30  # a scenario keeps at most 12 customer steps, each with at most one reprise


def _practise(page: Page, answer: str) -> None:
    """Answer every customer line with the same words until the result shows."""
    box = page.locator("[data-test=answer-text]")
    result = page.locator("[data-test=practice-result]")
    lines = page.locator("[data-test=practice-lines] li")
    for _ in range(MAX_ANSWERS):
        if result.is_visible():
            return
        before = lines.count()
        box.fill(answer)
        box.press("Enter")
        # the first answer of the app also loads the pipeline's models
        expect(lines.nth(before)).to_be_visible(timeout=90_000)
        page.wait_for_function(
            "([n]) => document.querySelectorAll('[data-test=practice-lines] li').length > n"
            " || document.querySelector('[data-test=practice-result]') !== null",
            arg=[before],
            timeout=90_000,
        )
    expect(result).to_be_visible(timeout=90_000)


def test_scenario_assigned_practised_twice_and_seen_by_the_supervisor(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed(sqlite_db)
    with sqlite_db.factory() as session:
        source = interaction_id(session, SOURCE_CALL)
        evaluations = session.scalar(select(func.count()).select_from(EvaluationRow))
    settings = Settings(
        data_dir=tmp_path / "data", database_url=sqlite_db.url, secret_key=SecretStr("f" * 40)
    )
    app = create_app(settings, engine=sqlite_db.engine)
    with serving(app) as base, browser() as chromium:
        analyst = sign_in(chromium, base, "analyst")
        analyst.goto(f"{base}/interactions/{source}")
        analyst.locator("[data-test=build-criterion]").select_option("empathy")
        analyst.click("[data-test=build-scenario]")
        analyst.wait_for_url(re.compile(rf"{base}/training/scenarios/\d+$"))
        scenario = int(analyst.url.rsplit("/", 1)[1])
        expect(analyst.locator("[data-test=key-point]").first).to_be_visible()
        screenshot(analyst, "training-flow-scenario")

        analyst.goto(f"{base}/training/assignments?scenario={scenario}#assign")
        form = analyst.locator("[data-test=assign-form]")
        form.locator("select[name=scenario_id]").select_option(str(scenario))
        form.locator("input[name=agent]").fill("j.smith")
        form.locator("input[name=due_on]").fill((date.today() + timedelta(days=7)).isoformat())
        form.locator("[data-test=assign]").click()
        expect(analyst.locator("[data-test=assigned]")).to_be_visible()

        agent = sign_in(chromium, base, "j.smith")
        for answer in (EMPATHETIC, CURT):
            if answer == EMPATHETIC:  # the assignment's link; the second practice is the agent's own choice
                agent.goto(f"{base}/training/assignments")
                agent.click("[data-test=practise]")
            else:
                agent.goto(f"{base}/training/practice")
            agent.locator(f"tr[data-scenario='{scenario}'] [data-test=start-practice]").click()
            agent.wait_for_url(re.compile(rf"{base}/training/practice/\d+$"))
            _practise(agent, answer)
            expect(agent.locator("[data-test=practice-label]")).to_contain_text("Practice")
            empathy = agent.locator("[data-test=practice-criteria] tr[data-criterion=empathy]")
            expect(empathy).to_contain_text("Pass" if answer == EMPATHETIC else "Fail", ignore_case=True)

        with sqlite_db.factory() as session:
            done = session.scalars(
                select(PracticeRow).where(PracticeRow.scenario_id == scenario).order_by(PracticeRow.id)
            ).all()
            assert [p.state for p in done] == ["finished", "finished"]
            first, second = done
            assert first.harder_branches == 0 and second.harder_branches >= 1
            assert first.assignment_id is not None and second.assignment_id is None
            # practice never becomes real quality
            assert session.scalar(select(func.count()).select_from(EvaluationRow)) == evaluations

        lead = sign_in(chromium, base, "sam.lead")
        lead.goto(f"{base}/agents/j.smith")
        entries = lead.locator("[data-test=practice-file] li[data-kind=practice]")
        expect(entries).to_have_count(2)
        for practice_id in (first.id, second.id):
            expect(lead.locator(f"li[data-practice='{practice_id}']")).to_be_visible()
        screenshot(lead, "training-flow-quality-file")
