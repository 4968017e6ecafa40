"""Saved searches: saved with a name, private or shared with one of the saver's teams, listed beside the
search box, audited; refusals are coded and change nothing; a shared search runs in the viewer's scope."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.searches.models import SavedSearchRow
from web_support import Web


def _rows(web: Web) -> list[tuple[str, str | None, dict[str, str]]]:
    with web.db.factory() as session:
        return [
            (r.name, r.team, dict(r.params))
            for r in session.scalars(select(SavedSearchRow).order_by(SavedSearchRow.id))
        ]


def _audited(web: Web, action: str) -> int:
    with web.db.factory() as session:
        query = select(func.count(AuditRow.id)).where(
            AuditRow.resource == "saved_search", AuditRow.action == action
        )
        return int(session.scalar(query) or 0)


def _save(web: Web, user: str, **body: Any) -> Any:
    return web.signed_in(user).post("/api/saved-searches", json=body)


def test_a_search_shared_with_a_team_is_listed_for_that_team_only(web: Web) -> None:
    answer = _save(
        web,
        "sam.lead",
        name="  Refunds   North ",
        params={"q": "refund", "sort": "-score"},
        team="Team North",
    )
    assert answer.status_code == 201, answer.text
    saved = answer.json()
    assert saved["name"] == "Refunds North" and saved["team"] == "Team North" and saved["mine"] is True
    assert saved["url"] == "/interactions?q=refund&sort=-score"
    assert _rows(web) == [("Refunds North", "Team North", {"q": "refund", "sort": "-score"})]
    assert _audited(web, "create") == 1
    private = _save(web, "sam.lead", name="Mine", params={"min_score": "40"})
    assert private.status_code == 201 and private.json()["team"] is None

    def names(user: str) -> list[str]:
        return [s["name"] for s in web.signed_in(user).client.get("/api/saved-searches").json()]

    assert names("sam.lead") == ["Mine", "Refunds North"]
    assert names("j.smith") == ["Refunds North"]  # an agent of Team North
    assert names("li.wei") == []  # Team Shanghai
    assert names("analyst") == []  # not in the team
    page = web.signed_in("j.smith").client.get("/interactions").text
    assert 'href="/interactions?q=refund&amp;sort=-score">Refunds North</a>' in page
    assert "shared with Team North" in page


def test_refusals_are_coded_and_store_nothing(web: Web) -> None:
    assert _save(web, "sam.lead", name="Same", params={"q": "card"}).status_code == 201
    before = _rows(web)
    cases = [
        ("sam.lead", {"name": "   ", "params": {}}, 422, "V161"),
        ("sam.lead", {"name": "Same", "params": {"q": "loan"}}, 409, "V162"),
        ("sam.lead", {"name": "Other team", "params": {}, "team": "Team Shanghai"}, 422, "V163"),
        ("j.smith", {"name": "Shared by an agent", "params": {}, "team": "Team North"}, 422, "V163"),
        ("analyst", {"name": "Odd", "params": {"teams": "Team North"}}, 422, "V164"),
    ]
    for user, body, status, code in cases:
        answer = _save(web, user, **body)
        assert answer.status_code == status, (body, answer.text)
        assert f"[{code}]" in answer.json()["detail"], answer.text
    assert "Team North" in _save(web, "sam.lead", name="x", params={}, team="Team Shanghai").json()["detail"]
    assert _rows(web) == before
    assert _audited(web, "create") == 1


def test_a_shared_search_runs_in_the_viewers_own_scope(web: Web) -> None:
    saved = _save(web, "admin", name="Everything", params={}, team="Team North").json()
    lead = web.signed_in("admin").client.get("/api/interactions", params=saved["params"]).json()
    mine = web.signed_in("j.smith").client.get("/api/interactions", params=saved["params"]).json()
    assert {i["agent"] for i in lead["items"]} > {"j.smith"}
    assert mine["items"] and {i["agent"] for i in mine["items"]} == {"j.smith"}


def test_only_the_owner_or_an_admin_deletes(web: Web) -> None:
    ident = _save(web, "sam.lead", name="Team view", params={"team": "Team North"}, team="Team North").json()[
        "id"
    ]
    agent = web.signed_in("j.smith")
    refused = agent.client.delete(f"/api/saved-searches/{ident}", headers={"x-csrf-token": agent.csrf})
    assert refused.status_code == 409 and "[V166]" in refused.json()["detail"]
    stranger = web.signed_in("li.wei")
    hidden = stranger.client.delete(f"/api/saved-searches/{ident}", headers={"x-csrf-token": stranger.csrf})
    assert hidden.status_code == 404 and "[V165]" in hidden.json()["detail"]
    assert len(_rows(web)) == 1 and _audited(web, "delete") == 0
    owner = web.signed_in("sam.lead")
    gone = owner.client.delete(f"/api/saved-searches/{ident}", headers={"x-csrf-token": owner.csrf})
    assert gone.status_code == 204
    assert _rows(web) == [] and _audited(web, "delete") == 1


def test_the_list_page_saves_the_current_search_and_offers_titles(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    page = lead.client.get("/interactions", params={"q": "refund", "moment": "complaint"}).text
    assert re.search(r'<option value="Team North">Team North</option>', page)  # share with the led team
    assert "Team Shanghai</option>" not in page.split('id="save-search"')[1]
    assert '<option value="complaint" selected>Complaint</option>' in page
    assert '<option value="escalation_request" >Escalation request</option>' in page
    assert ">Lost or stolen card</option>" in page  # the shipped contact reasons by title
    answer = lead.post(
        "/saved-searches",
        data={"name": "Complaints", "query": "q=refund&moment=complaint&page=3", "team": "Team North"},
        follow_redirects=False,
    )
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == "/interactions?moment=complaint&q=refund"  # type: ignore[attr-defined]
    assert _rows(web) == [("Complaints", "Team North", {"moment": "complaint", "q": "refund"})]
    zh = web.signed_in("li.wei").client.get("/interactions", headers={"accept-language": "zh"}).text
    assert "保存的搜索" in zh
