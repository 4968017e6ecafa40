"""End to end in real headless Chromium: an analyst overrides a criterion and shares the review, the agent
disputes another, the team's supervisor resolves it. Screenshots are kept under .artifacts/screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import InteractionRow
from callqa.review.models import DisputeRow, OverrideRow, ReviewRow
from callqa.scoring.models import EvaluationRow
from web_support import Web


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_override_dispute_resolve_in_the_browser(web: Web) -> None:
    ident = web.ids()["en-call-05"]
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    dashboard = "/insights?agent=j.smith&since=2020-01-01&until=2027-12-31"
    with serving(web.app) as base, browser() as chromium:
        analyst = sign_in(chromium, base, "analyst")
        analyst.goto(f"{base}/interactions/{ident}")
        analyst.click("[data-test=start-review]")
        expect(analyst.locator("[data-test=review-state]")).to_have_text("draft")
        empathy = analyst.locator("#criterion-empathy")
        empathy.locator("input[value=pass]").check()
        empathy.locator("textarea").fill("apologised twice, the AI missed it")
        analyst.click("[data-test=save-review]")
        expect(analyst.locator("[data-test=change-empathy]")).to_contain_text("apologised twice")
        analyst.fill("form[action$='/share'] input[name=comment]", "good call, see empathy")
        analyst.click("[data-test=share]")
        expect(analyst.locator("[data-test=review-state]")).to_have_text("shared")
        screenshot(analyst, "review-analyst-shared")

        lead = sign_in(chromium, base, "sam.lead")
        lead.goto(base + dashboard)
        mean_before = float(lead.locator("[data-test=tile-score]").inner_text())

        agent = sign_in(chromium, base, "j.smith")
        expect(agent.locator("[data-test=notifications] .badge")).to_have_text("1")
        agent.click("[data-test=notifications]")
        notice = agent.locator("#notifications").inner_text()
        assert "grade it yourself" in notice and not re.search(r"score \d", notice)  # blind until graded
        agent.click("#notifications a")
        agent.wait_for_url(re.compile(rf"/interactions/{ident}#review$"))
        assert agent.locator("#grade-form").count() == 0  # agents cannot grade
        assert agent.locator("[data-test=score]").count() == 0  # QA's outcomes wait for the self-evaluation
        expect(agent.locator("[data-test=awaiting]")).to_be_visible()
        # a chat-and-e-mail criterion starts at n/a on a call; the others wait for the agent
        expect(
            agent.locator("#self-evaluation tr[data-criterion=response_time] input[value='n/a']")
        ).to_be_checked()
        expect(agent.locator("#self-evaluation tr[data-criterion=greeting] input:checked")).to_have_count(0)
        radios = agent.locator("#self-evaluation input[value=pass]")
        for i in range(radios.count()):
            radios.nth(i).check()
        agent.click("[data-test=submit-self-evaluation]")
        expect(agent.locator("[data-test=self-greeting]")).to_have_text("pass")
        dispute = agent.locator("[data-test=dispute-thanks]")
        agent.locator("#criterion-thanks summary").click()
        dispute.locator("select[name=requested]").select_option("pass")
        dispute.locator("textarea[name=comment]").fill("I thanked the customer at the end")
        dispute.locator("button").click()
        expect(agent.locator("[data-test=review-state]")).to_have_text("disputed")
        screenshot(agent, "review-agent-disputed")

        lead.goto(f"{base}/interactions/{ident}")
        resolve = lead.locator("form[data-test^=resolve-]")
        resolve.locator("textarea[name=resolution]").fill("the recording confirms the thanks")
        resolve.locator("button[value=uphold]").click()
        expect(lead.locator("[data-test=review-state]")).to_have_text("final")
        expect(lead.locator("[data-test=final-thanks]")).to_have_text("pass")
        assert lead.get_attribute("[data-test=dispute]", "data-state") == "upheld"
        screenshot(lead, "review-supervisor-resolved")

        # the reviewed score is the official one: on the interaction and on the agent's dashboard
        with web.db.factory() as session:
            final = session.scalars(select(ReviewRow).where(ReviewRow.interaction_id == ident)).one()
            ai = session.get(EvaluationRow, final.evaluation_id)
            assert ai is not None and final.score is not None and ai.ai_score is not None
            scored = session.scalar(
                select(func.count(EvaluationRow.id))
                .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
                .where(InteractionRow.agent == "j.smith", EvaluationRow.is_current.is_(True))
            )
        lead.reload()
        expect(lead.locator("[data-test=score]")).to_have_text(f"{final.score:.0f}")
        expect(lead.locator("[data-test=reviewed]")).to_be_visible()
        expect(lead.locator("[data-test=ai-score]")).to_contain_text(f"{ai.ai_score:.0f}")
        refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
        lead.goto(base + dashboard)
        mean_after = float(lead.locator("[data-test=tile-score]").inner_text())
        assert mean_after == pytest.approx(
            mean_before + (final.score - ai.ai_score) / (scored or 1), abs=0.051
        )
        screenshot(lead, "dashboard-after-review")

    with web.db.factory() as session:
        review = session.scalars(select(ReviewRow).where(ReviewRow.interaction_id == ident)).one()
        assert review.state == "final"
        changes = session.execute(
            select(OverrideRow.criterion, OverrideRow.ai_outcome, OverrideRow.outcome).where(
                OverrideRow.review_id == review.id
            )
        ).all()
        assert sorted(tuple(c) for c in changes) == [("empathy", "fail", "pass"), ("thanks", "fail", "pass")]
        [row] = session.scalars(select(DisputeRow).where(DisputeRow.review_id == review.id)).all()
        assert row.state == "upheld" and row.comment == "I thanked the customer at the end"


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_interaction_page_in_the_browser(web: Web) -> None:
    ids = web.ids()
    persian = next(i for e, i in ids.items() if e.startswith("acb-fa-"))
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        page.select_option("select[name=channel]", "chat")
        page.click("#filters button[type=submit]")
        page.wait_for_url(re.compile(r"channel=chat"))
        channels = page.locator("#interactions tbody tr td:nth-child(3)").all_inner_texts()
        assert channels and set(channels) == {"chat"}
        screenshot(page, "interactions-chat")
        page.goto(f"{base}/interactions/{ids['en-call-01']}")
        criterion = page.locator("details.criterion").filter(has=page.locator(".evidence")).first
        name = criterion.get_attribute("data-criterion")
        criterion.locator("summary").click()
        marks = page.locator(f"mark[data-criteria~='{name}']")
        assert marks.count() > 0
        expect(marks.first).to_have_class(re.compile(r"\bfocus\b"))  # the toggle handler runs after the click
        screenshot(page, "interaction-evidence")
        page.goto(f"{base}/interactions/{persian}")
        directions = {
            page.locator(".turn").nth(i).get_attribute("dir") for i in range(page.locator(".turn").count())
        }
        assert directions == {"rtl"}
        screenshot(page, "interaction-persian")
        agent = sign_in(chromium, base, "j.smith")
        agent.goto(f"{base}/interactions")  # an agent signs in to their home
        agents = agent.locator("#interactions tbody tr td:nth-child(5)").all_inner_texts()
        assert agents and set(agents) == {"j.smith"}
        response = agent.goto(f"{base}/interactions/{persian}")
        assert response is not None and response.status == 404
