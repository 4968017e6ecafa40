"""Interactions addressed by their external id, in pages and the API (issue 19: a 422 before)."""

from __future__ import annotations

import re

import pytest

from callqa.interactions.service import StoreItem, store_interactions
from qa_support import demo_interactions
from web_support import Web

pytestmark = [pytest.mark.issue(19), pytest.mark.db]

EMAIL = "a3f9c1e2-6b4d-4e0a-9f1a-0c2d7e8b5a61@example.org"


def test_the_page_and_the_api_answer_an_external_id(web: Web) -> None:
    ids = web.ids()
    admin = web.signed_in("admin")
    page = admin.client.get("/interactions/en-call-01", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].endswith(f"/interactions/{ids['en-call-01']}")
    assert "en-call-01" in admin.client.get("/interactions/en-call-01").text
    by_query = admin.client.get("/interactions", params={"external_id": "en-call-01"}, follow_redirects=False)
    assert by_query.status_code == 303 and by_query.headers["location"] == page.headers["location"]
    api = admin.client.get(f"/api/interactions/{EMAIL}")
    assert api.status_code == 200, api.text
    assert api.json()["id"] == ids[EMAIL] and api.json()["interaction"]["external_id"] == EMAIL
    assert admin.client.get(f"/api/interactions/transcript:{'en-call-01'}").json()["id"] == ids["en-call-01"]
    missing = admin.client.get("/api/interactions/no-such-call")
    assert missing.status_code == 404 and "[Q100]" in missing.json()["detail"]
    assert "[Q100]" in admin.client.get("/interactions/no-such-call").text
    assert admin.client.get(f"/api/interactions/{ids['en-call-01']}").json()["id"] == ids["en-call-01"]


def test_an_agent_cannot_reach_someone_elses_interaction_by_its_external_id(web: Web) -> None:
    agent = web.signed_in("j.smith")  # Team North agent j.smith; en-call-01 is a.kim's
    assert agent.client.get("/api/interactions/en-call-01").status_code == 404
    assert agent.client.get("/api/interactions/en-call-02").status_code == 200


def test_an_id_two_sources_use_lists_the_choices(web: Web) -> None:
    original = demo_interactions()["en-call-01"]
    twin = original.model_copy(update={"source": "crm"})
    with web.db.factory.begin() as session:
        store_interactions(session, [StoreItem(twin)])
    admin = web.signed_in("admin")
    page = admin.client.get("/interactions/en-call-01")
    assert page.status_code == 300
    assert "transcript:en-call-01" in page.text and "crm:en-call-01" in page.text
    api = admin.client.get("/api/interactions/en-call-01")
    assert api.status_code == 409 and "[Q101]" in api.json()["detail"]
    assert "crm:en-call-01" in api.json()["detail"]
    chosen = admin.client.get("/api/interactions/crm:en-call-01").json()
    assert chosen["interaction"]["source"] == "crm"


def test_literal_routes_under_interactions_are_not_taken_for_external_ids(web: Web) -> None:
    """A page such as ``/interactions/search`` must stay reachable: the external-id routes are placed just
    before the numeric ones, so a literal route has to be registered ahead of them."""
    from callqa.web.routes.external_ids import _paths

    literal = re.compile(r"^(/api)?/interactions/[^/{]+$")
    paths = sorted({p for route in web.app.router.routes for p in _paths(route) if literal.match(p)})
    admin = web.signed_in("admin")
    for path in paths:
        answer = admin.client.get(path, follow_redirects=False)
        assert "[Q100]" not in answer.text, path
