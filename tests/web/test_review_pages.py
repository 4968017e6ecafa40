"""The review loop through the page forms: what each role is offered, and that each form works."""

from __future__ import annotations

import re

from sqlalchemy import select

from callqa.review.models import DisputeRow, ReviewRow
from web_support import SignedIn, Web


def _form(who: SignedIn, url: str, data: dict[str, str]) -> str:
    response = who.client.post(url, data={**data, "csrf_token": who.csrf}, follow_redirects=True)
    assert response.status_code == 200, response.text
    return response.text


def test_the_review_forms_take_the_loop_to_final(web: Web) -> None:
    ident = web.ids()["en-call-05"]
    page_url = f"/interactions/{ident}"
    analyst, agent, lead = web.signed_in("analyst"), web.signed_in("j.smith"), web.signed_in("sam.lead")
    assert 'data-test="start-review"' in analyst.client.get(page_url).text
    assert 'data-test="start-review"' not in agent.client.get(page_url).text

    page = _form(analyst, f"/interactions/{ident}/review", {})
    assert 'data-test="review-state">draft<' in page
    rid = int(re.search(r'action="/reviews/(\d+)/share"', page).group(1))  # type: ignore[union-attr]
    page = _form(
        analyst,
        f"/reviews/{rid}/override",
        {"criterion": "empathy", "outcome": "pass", "reason": "said sorry twice"},
    )
    assert 'name="o:empathy" value="pass" checked' in page and "said sorry twice" in page
    page = _form(analyst, f"/reviews/{rid}/share", {"comment": "nice work"})
    assert 'data-test="review-state">shared<' in page

    agent_page = agent.client.get(page_url).text
    assert 'id="self-evaluation"' in agent_page and 'data-test="dispute-greeting"' not in agent_page
    assert 'data-test="score"' not in agent_page  # no score before the self-evaluation
    criteria = re.findall(r'name="c:([a-z_]+)" value="pass"', agent_page)
    _form(
        agent, f"/reviews/{rid}/self-evaluation", {**{f"c:{c}": "pass" for c in criteria}, "comment": "fine"}
    )
    agent_page = agent.client.get(page_url).text
    assert 'data-test="self-greeting">pass<' in agent_page
    assert 'data-test="dispute-greeting"' in agent_page and 'data-test="override-greeting"' not in agent_page
    assert '<span class="badge">1</span>' in agent_page  # the shared review, unread
    page = _form(
        agent,
        f"/reviews/{rid}/dispute",
        {"criterion": "thanks", "requested": "pass", "comment": "I thanked at 2:10"},
    )
    assert 'data-test="review-state">disputed<' in page

    with web.db.factory() as session:
        did = session.scalars(select(DisputeRow.id).where(DisputeRow.review_id == rid)).one()
    lead_page = lead.client.get(page_url).text
    assert f'data-test="resolve-{did}"' in lead_page
    assert f'data-test="resolve-{did}"' not in agent.client.get(page_url).text
    page = _form(
        lead, f"/disputes/{did}/resolve", {"decision": "reject", "resolution": "no thanks in the call"}
    )
    assert 'data-test="review-state">final<' in page and 'data-state="rejected"' in page
    with web.db.factory() as session:
        review = session.get(ReviewRow, rid)
        assert review is not None and review.state == "final"

    inbox = agent.client.get("/notifications").text
    assert 'data-kind="dispute_resolved"' in inbox and 'data-kind="review_shared"' in inbox
    _form(agent, "/notifications/read", {})
    assert 'class="badge"' not in agent.client.get("/notifications").text


def test_a_form_without_a_reason_shows_why_and_changes_nothing(web: Web) -> None:
    ident = web.ids()["en-call-05"]
    analyst = web.signed_in("analyst")
    _form(analyst, f"/interactions/{ident}/review", {})
    with web.db.factory() as session:
        review = session.scalars(select(ReviewRow)).one()
        rid, score = review.id, review.score
    response = analyst.client.post(
        f"/reviews/{rid}/override",
        data={"criterion": "empathy", "outcome": "pass", "reason": "", "csrf_token": analyst.csrf},
    )
    assert response.status_code == 422 and "needs a reason" in response.text
    with web.db.factory() as session:
        assert session.get(ReviewRow, rid).score == score  # type: ignore[union-attr]
