"""Coaching picked by clicking a turn, any number of action items with a follow-up status each, and
``/agents`` built from the interactions (agents without a user account included)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markupsafe import escape
from playwright.sync_api import expect
from sqlalchemy import and_, func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.coaching.models import ActionItemRow, CoachingRow
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.scoring.models import EvaluationRow
from web_support import SignedIn, Web

TEAM_NORTH = {"a.kim", "j.smith", "p.owens"}  # only j.smith has a user account


def _send(who: SignedIn, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.request(method, url, json=body or {}, headers={"x-csrf-token": who.csrf})


def _actions(web: Web, coaching_id: int) -> list[tuple[str, str]]:
    with web.db.factory() as session:
        query = select(ActionItemRow.text, ActionItemRow.status).where(
            ActionItemRow.coaching_id == coaching_id
        )
        return [(r.text, r.status) for r in session.execute(query.order_by(ActionItemRow.id))]


def _agent_turn(web: Web, external_id: str) -> tuple[int, int, str, int | None]:
    """(interaction id, turn, text, start) of the interaction's second agent turn."""
    with web.db.factory() as session:
        ident = web.ids()[external_id]
        turns = session.execute(
            select(TurnRow.seq, TurnRow.text, TurnRow.start_ms)
            .where(TurnRow.interaction_id == ident, TurnRow.role == "agent")
            .order_by(TurnRow.seq)
        ).all()
    return ident, turns[1].seq, turns[1].text, turns[1].start_ms


def test_agents_lists_every_agent_in_the_data_within_scope(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    page = lead.client.get("/agents").text
    listed = set(re.findall(r'<tr data-agent="([^"]+)">', page))
    assert listed == TEAM_NORTH
    with web.db.factory() as session:
        for agent in TEAM_NORTH:
            count, mean, last = session.execute(
                select(
                    func.count(func.distinct(InteractionRow.id)),
                    func.avg(EvaluationRow.score),
                    func.max(InteractionRow.started_at),
                )
                .outerjoin(
                    EvaluationRow,
                    and_(
                        EvaluationRow.interaction_id == InteractionRow.id, EvaluationRow.is_current.is_(True)
                    ),
                )
                .where(InteractionRow.agent == agent)
            ).one()
            row = re.search(rf'<tr data-agent="{re.escape(agent)}">.*?</tr>', page, re.S)
            assert row is not None and count > 0 and last is not None
            assert f'<td class="num" data-test="count">{count}</td>' in row.group(0)
            assert f'<td class="num" data-test="mean">{float(mean):.1f}</td>' in row.group(0)
            assert f'href="/agents/{agent}"' in row.group(0)
    # the quality file of an agent without an account works, for whoever sees their team only
    file = lead.client.get("/api/agents/p.owens/quality-file")
    assert file.status_code == 200 and file.json()["agent"] == "p.owens" and file.json()["evaluations"] > 0
    assert 'data-test="no-account"' in lead.client.get("/agents/p.owens").text
    other = web.signed_in("wang.fang")
    assert other.client.get("/agents/p.owens").status_code == 404
    assert not TEAM_NORTH & set(re.findall(r'<tr data-agent="([^"]+)">', other.client.get("/agents").text))
    assert web.signed_in("analyst").client.get("/agents/nobody.here").status_code == 404


def test_coach_this_on_a_turn_prefills_the_form_and_any_number_of_action_items(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    ident, turn, text, start = _agent_turn(web, "en-call-03")  # p.owens: no user account
    interaction = lead.client.get(f"/interactions/{ident}").text
    assert f'href="/coaching/new?interaction={ident}&amp;turn={turn}"' in interaction
    assert (
        'class="coach-this"'
        not in web.signed_in("j.smith").client.get(f"/interactions/{web.ids()['en-call-05']}").text
    )

    form_page = lead.client.get(f"/coaching/new?interaction={ident}&turn={turn}")
    assert form_page.status_code == 200
    assert str(escape(text)) in form_page.text and f'name="turn" value="{turn}"' in form_page.text
    assert start is not None and '<time data-test="moment-time">' in form_page.text
    assert lead.client.get(f"/coaching/new?interaction={ident}&turn=9999").status_code == 404
    assert (
        web.signed_in("wang.fang").client.get(f"/coaching/new?interaction={ident}&turn={turn}").status_code
        == 404
    )

    items = [f"item {i}" for i in range(5)]
    data = {
        "csrf_token": lead.csrf,
        "title": "Hold etiquette",
        "notes": "Ask before the hold.",
        "interaction_id": str(ident),
        "turn": str(turn),
        "action_text": [*items, ""],
        "action_due": ["2026-12-20", "", "", "", "", ""],
    }
    saved = lead.client.post("/agents/p.owens/coaching", data=data, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/agents/p.owens#coaching-")
    with web.db.factory() as session:
        row = session.scalars(select(CoachingRow)).one()
        assert (row.agent_name, row.agent_id, row.turn, row.quote) == ("p.owens", None, turn, text)
    assert _actions(web, row.id) == [(t, "open") for t in items]
    page = lead.client.get("/agents/p.owens").text
    assert 'data-test="coaching-moment"' in page and str(escape(text)) in page and f"#turn-{turn}" in page

    # items one by one: add, remove, follow-up status; the agent may only tick their own
    added = _send(lead, "POST", f"/api/coaching/{row.id}/actions", {"text": "item 5", "due_on": "2026-12-31"})
    assert added.status_code == 201 and [a["text"] for a in added.json()["actions"]][-1] == "item 5"
    first = added.json()["actions"][0]["id"]
    assert _send(lead, "DELETE", f"/api/coaching/{row.id}/actions/{first}").status_code == 200
    assert [t for t, _ in _actions(web, row.id)] == [*items[1:], "item 5"]
    second = added.json()["actions"][1]["id"]
    done = _send(lead, "PUT", f"/api/coaching/{row.id}/actions/{second}", {"status": "not_done"})
    assert done.status_code == 200 and done.json()["actions"][0]["status"] == "not_done"
    bad = _send(lead, "PUT", f"/api/coaching/{row.id}/actions/{second}", {"status": "maybe"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("[V142]")
    assert _send(lead, "DELETE", f"/api/coaching/{row.id}/actions/{first}").status_code == 404
    assert _actions(web, row.id)[0] == ("item 1", "not_done")
    # the page forms do the same
    form = {"csrf_token": lead.csrf, "text": "item 6", "due_on": ""}
    assert (
        lead.client.post(f"/coaching/{row.id}/actions", data=form, follow_redirects=False).status_code == 303
    )
    assert _actions(web, row.id)[-1] == ("item 6", "open")


def test_an_agent_ticks_their_own_items_but_does_not_add_or_fail_them(web: Web) -> None:
    lead, agent = web.signed_in("sam.lead"), web.signed_in("j.smith")
    ident, turn, _, _ = _agent_turn(web, "en-call-05")
    body = {"title": "Wait", "notes": "Say sorry.", "interaction_id": ident, "turn": turn}
    created = _send(lead, "POST", "/api/agents/j.smith/coaching", {**body, "actions": [{"text": "a"}]}).json()
    cid, item = created["id"], created["actions"][0]["id"]
    assert _send(agent, "POST", f"/api/coaching/{cid}/actions", {"text": "b"}).status_code == 403
    assert (
        _send(agent, "PUT", f"/api/coaching/{cid}/actions/{item}", {"status": "not_done"}).status_code == 403
    )
    assert _send(agent, "PUT", f"/api/coaching/{cid}/actions/{item}", {"status": "done"}).status_code == 200
    assert _actions(web, cid) == [("a", "done")]
    _send(lead, "POST", f"/api/coaching/{cid}/follow-up", {"result": "improved"})
    closed = _send(lead, "POST", f"/api/coaching/{cid}/actions", {"text": "late"})
    assert closed.status_code == 422 and "closed" in closed.json()["detail"]
    assert _actions(web, cid) == [("a", "done")]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_coach_this_in_the_browser(web: Web) -> None:
    ident, turn, text, _ = _agent_turn(web, "en-call-03")
    with serving(web.app) as base, browser() as chromium:
        lead = sign_in(chromium, base, "sam.lead")
        lead.goto(f"{base}/interactions/{ident}")
        lead.click(f"[data-test=coach-turn-{turn}]")
        expect(lead.locator("[data-test=moment-text]")).to_contain_text(text[:40])
        form = lead.locator("#new-coaching")
        form.locator("input[name=title]").fill("Ask before a hold")
        form.locator("textarea[name=notes]").fill("Ask the customer before putting them on hold.")
        form.locator("input[name=action_text]").first.fill("Listen to two calls with a good hold")
        form.locator("[data-test=add-action-row]").click()
        form.locator("input[name=action_text]").nth(1).fill("Practise the hold phrase")
        form.locator("[data-test=create-coaching]").click()
        expect(lead.locator("[data-test=coaching-moment]")).to_contain_text(text[:40])
        expect(lead.locator("ul.actions li")).to_have_count(2)
        screenshot(lead, "coaching-from-a-turn")
