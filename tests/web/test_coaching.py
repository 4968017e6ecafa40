"""Coaching: a talk tied to a transcript moment, action items, the agent's acknowledgement, the follow-up;
the quality file and ability profile. Over the API and in headless Chromium."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.coaching.abilities import ABILITIES
from callqa.coaching.models import ActionItemRow, CoachingRow
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from web_support import SignedIn, Web


def _send(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _coaching_count(web: Web) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count(CoachingRow.id))) or 0)


def test_coaching_with_a_moment_actions_acknowledgement_and_follow_up(web: Web) -> None:
    lead, agent, other_lead = web.signed_in("sam.lead"), web.signed_in("j.smith"), web.signed_in("wang.fang")
    ident = web.ids()["en-call-05"]
    body = {
        "title": "Empathy when a customer waits",
        "notes": "Acknowledge the wait before explaining.",
        "interaction_id": ident,
        "turn": 8,
        "actions": [{"text": "Role-play a long-wait call", "due_on": str(date.today() + timedelta(days=7))}],
        "follow_up_on": str(date.today() + timedelta(days=14)),
    }
    assert _send(other_lead, "/api/agents/j.smith/coaching", body).status_code == 404  # not their team
    assert _send(agent, "/api/agents/j.smith/coaching", body).status_code == 403  # agents do not coach
    not_his = {**body, "interaction_id": web.ids()["acb-zhs-20261009-4410"]}
    assert _send(lead, "/api/agents/j.smith/coaching", not_his).status_code == 422
    assert _coaching_count(web) == 0
    created = _send(lead, "/api/agents/j.smith/coaching", body)
    assert created.status_code == 201
    coaching = created.json()
    with web.db.factory() as session:
        quote = session.scalar(select(TurnRow.text).where(TurnRow.interaction_id == ident, TurnRow.seq == 8))
    assert (
        quote
        and coaching["quote"] == quote
        and coaching["turn"] == 8
        and coaching["state"] == "open"
        and coaching["coach"] == "sam.lead"
    )
    assert [a["text"] for a in coaching["actions"]] == ["Role-play a long-wait call"]
    inbox = agent.client.get("/api/notifications").json()["items"]
    assert inbox[0]["kind"] == "coaching" and inbox[0]["link"] == f"/agents/j.smith#coaching-{coaching['id']}"

    assert _send(lead, f"/api/coaching/{coaching['id']}/acknowledge").status_code == 403  # only the agent
    assert _send(agent, f"/api/coaching/{coaching['id']}/acknowledge").json() == {"state": "acknowledged"}
    assert _send(agent, f"/api/coaching/{coaching['id']}/acknowledge").status_code == 409
    assert (
        _send(agent, f"/api/coaching/{coaching['id']}/follow-up", {"result": "improved"}).status_code == 403
    )
    done = _send(
        lead, f"/api/coaching/{coaching['id']}/follow-up", {"result": "improved", "notes": "next calls fine"}
    )
    assert done.json() == {"state": "closed"}
    with web.db.factory() as session:
        row = session.get(CoachingRow, coaching["id"])
        assert row is not None and row.follow_up_result == "improved" and row.followed_up_at is not None

    file = agent.client.get("/api/agents/j.smith/quality-file").json()
    kinds = [e["kind"] for e in file["timeline"]]
    assert kinds[:3] == ["follow_up", "coaching_acknowledged", "coaching"]
    assert web.signed_in("li.wei").client.get("/api/agents/j.smith/quality-file").status_code == 404


def test_the_ability_profile_is_the_pass_rate_of_mapped_criteria(web: Web) -> None:
    with web.db.factory() as session:
        rows = session.execute(
            select(CriterionResultRow.criterion, CriterionResultRow.outcome, EvaluationRow.id)
            .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(InteractionRow.agent == "j.smith", EvaluationRow.is_current.is_(True))
        ).all()
    file = web.signed_in("sam.lead").client.get("/api/agents/j.smith/quality-file").json()
    for ability, criteria in ABILITIES.items():
        graded = [o for c, o, _ in rows if c in criteria and o != "n/a"]
        expected = round(sum(o == "pass" for o in graded) / len(graded), 3) if graded else None
        assert file["abilities"][ability] == expected, ability
    assert file["evaluations"] == len({e for _, _, e in rows}) >= 3
    assert set(file["abilities_by_month"]) and all(
        set(v) == set(ABILITIES) for v in file["abilities_by_month"].values()
    )


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_coaching_session_with_follow_up_in_the_browser(web: Web) -> None:
    with serving(web.app) as base, browser() as chromium:
        lead = sign_in(chromium, base, "sam.lead")
        lead.click("[data-test=agents]")
        lead.click("text=John Smith")
        form = lead.locator("#new-coaching")
        form.locator("input[name=title]").fill("Acknowledge long waits")
        form.locator("textarea[name=notes]").fill("Say sorry for the wait before the answer.")
        form.locator("input[name=action_text]").first.fill("Listen to two top-scored calls")
        form.locator("input[name=follow_up_on]").fill(str(date.today()))
        form.locator("[data-test=create-coaching]").click()
        expect(lead.locator("[data-test=coaching-state]")).to_have_text("open")
        expect(lead.locator("#coaching")).to_contain_text("follow-up due")
        assert lead.locator("#coaching blockquote").count() == 0  # a moment is picked from the transcript

        agent = sign_in(chromium, base, "j.smith")
        agent.click("[data-test=agents]")
        agent.wait_for_url("**/agents/j.smith")
        agent.click("[data-test=acknowledge-coaching]")
        expect(agent.locator("[data-test=coaching-state]")).to_have_text("acknowledged")
        agent.locator("ul.actions button").first.click()
        expect(agent.locator("ul.actions li").first).to_have_attribute("data-done", "yes")
        assert agent.locator("#abilities svg polygon").count() == 1
        screenshot(agent, "quality-file-agent")

        lead.reload()
        follow = lead.locator("form[data-test^=follow-up-]")
        follow.locator("select[name=result]").select_option("improved")
        follow.locator("input[name=notes]").fill("the next five calls acknowledged the wait")
        follow.locator("button").click()
        expect(lead.locator("[data-test=coaching-state]")).to_have_text("closed")
        expect(lead.locator("[data-test=follow-up-result]")).to_have_text("improved")
        assert lead.locator("#quality-file li[data-kind=follow_up]").count() == 1
        screenshot(lead, "coaching-follow-up")
    with web.db.factory() as session:
        assert session.scalars(select(ActionItemRow.done_at)).one() is not None
