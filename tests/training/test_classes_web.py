"""Classes over HTTP (SQLite + PostgreSQL): the API and pages per role, notes hidden from agents until the
presenter reveals them, a card number in a comment never stored, a comment promoted to the knowledge base."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from callqa.audit.models import AuditRow
from callqa.core.settings import Settings
from callqa.knowledge.models import ArticleRow
from callqa.training.models import ClassCommentRow, ClassItemRow, TrainingClassRow
from callqa.web.app import create_app
from redact_support import VISA
from support import Database
from web_support import SignedIn, Web, seed

pytestmark = [pytest.mark.issue(22), pytest.mark.db]
NOTES = "Listen for the missing apology at 0:12."


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    seed(db)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield Web(db, create_app(settings, engine=db.engine), settings)


def _post(user: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    return user.post(url, json=body or {})


def _class(web: Web, lead: SignedIn) -> int:
    created = _post(lead, "/api/classes", {"title": "Empathy in billing", "team": "Team North"})
    assert created.status_code == 201, created.text
    class_id = int(created.json()["id"])
    for ident, moments in (
        ("en-call-01", [{"turn": 1, "label": "the greeting"}]),
        ("en-call-02", [{"ms": 12_000, "label": "no apology"}]),
    ):
        added = _post(
            lead, f"/api/classes/{class_id}/items", {"interaction": ident, "moments": moments, "notes": NOTES}
        )
        assert added.status_code == 201, added.text
    return class_id


def test_notes_are_hidden_from_agents_until_the_presenter_reveals_them(web: Web) -> None:
    lead, agent = web.signed_in("sam.lead"), web.signed_in("j.smith")
    class_id = _class(web, lead)
    assert agent.client.get(f"/api/classes/{class_id}").status_code == 404  # a draft: not yet for agents
    assert agent.client.get("/api/classes").json() == []
    assert _post(lead, f"/api/classes/{class_id}/start").json()["state"] == "running"
    shown = agent.client.get(f"/api/classes/{class_id}").json()
    assert [i["notes"] for i in shown["items"]] == [None, None] and shown["can_run"] is False
    page = agent.client.get(f"/training/classes/{class_id}?item=1")
    assert page.status_code == 200 and NOTES not in page.text and 'data-test="notes-hidden"' in page.text
    assert 'data-test="moment-flag"' in page.text and "the greeting" in page.text
    presenter = lead.client.get(f"/training/classes/{class_id}/present?item=1")
    assert NOTES in presenter.text and 'data-test="reveal"' in presenter.text
    assert 'data-test="next"' in presenter.text and 'data-test="previous"' not in presenter.text
    assert agent.client.get(f"/training/classes/{class_id}/present?item=1").status_code == 403
    assert _post(agent, f"/api/classes/{class_id}/items/1/reveal").status_code == 403
    revealed = _post(lead, f"/api/classes/{class_id}/items/1/reveal")
    assert revealed.status_code == 200 and revealed.json()["notes"] == NOTES
    after = agent.client.get(f"/api/classes/{class_id}").json()
    assert [i["notes"] for i in after["items"]] == [NOTES, None]  # only the revealed item
    assert NOTES in agent.client.get(f"/training/classes/{class_id}?item=1").text
    assert NOTES not in agent.client.get(f"/training/classes/{class_id}?item=2").text


def test_a_card_number_in_a_comment_is_never_stored_and_a_comment_becomes_an_article(web: Web) -> None:
    lead, agent = web.signed_in("sam.lead"), web.signed_in("j.smith")
    class_id = _class(web, lead)
    _post(lead, f"/api/classes/{class_id}/start")
    said = f"First say sorry, then refund to the card {VISA} without asking again."
    comment = _post(agent, f"/api/classes/{class_id}/items/2/comments", {"text": said, "turn": 3})
    assert comment.status_code == 201, comment.text
    assert VISA not in comment.json()["text"] and "First say sorry" in comment.json()["text"]
    with web.db.factory() as session:
        assert all(VISA not in t for t in session.scalars(select(ClassCommentRow.text)))
        assert all(VISA not in str(a.detail) for a in session.scalars(select(AuditRow)))
    bad = _post(agent, f"/api/classes/{class_id}/items/2/comments", {"text": "x", "turn": 999})
    assert bad.status_code == 422 and "[T166]" in bad.json()["detail"]
    comment_id = comment.json()["id"]
    url = f"/api/classes/{class_id}/items/2/comments/{comment_id}/promote"
    assert _post(agent, url).status_code == 403  # attendees comment, presenters promote
    promoted = _post(lead, url, {"criterion": "Empathy"})
    assert promoted.status_code == 201, promoted.text
    body = promoted.json()
    assert body["title"] == "Empathy: Empathy in billing" and body["source_turn"] == 3
    with web.db.factory() as session:
        article = session.get(ArticleRow, body["article_id"])
        assert article is not None and article.body == comment.json()["text"]
        assert article.source_interaction_id == web.ids()["en-call-02"]
        stored = session.get(ClassCommentRow, comment_id)
        assert stored is not None and stored.article_id == article.id
    again = _post(lead, url)
    assert again.status_code == 409 and "[T168]" in again.json()["detail"]
    listed = agent.client.get(f"/api/classes/{class_id}/items/2/comments").json()
    assert [c["article_id"] for c in listed] == [body["article_id"]]


def test_access_per_role(web: Web) -> None:
    lead, analyst = web.signed_in("sam.lead"), web.signed_in("analyst")
    other_lead, other_agent, agent = (
        web.signed_in("wang.fang"),
        web.signed_in("li.wei"),
        web.signed_in("j.smith"),
    )
    class_id = _class(web, lead)
    assert _post(agent, "/api/classes", {"title": "mine"}).status_code == 403
    refused = _post(lead, "/api/classes", {"title": "centre"})  # a supervisor runs their teams' classes only
    assert refused.status_code == 422 and "[T160]" in refused.json()["detail"]
    shanghai = next(i for e, i in web.ids().items() if e.startswith("acb-zhs-"))
    hidden = _post(lead, f"/api/classes/{class_id}/items", {"interaction": str(shanghai)})
    assert hidden.status_code == 422 and "[T164]" in hidden.json()["detail"]
    assert other_lead.client.get(f"/api/classes/{class_id}").status_code == 404
    assert other_lead.client.get(f"/training/classes/{class_id}/present").status_code == 404
    assert _post(other_lead, f"/api/classes/{class_id}/start").status_code == 404
    assert analyst.client.get(f"/training/classes/{class_id}/edit").status_code == 200
    _post(lead, f"/api/classes/{class_id}/start")
    assert other_agent.client.get(f"/training/classes/{class_id}").status_code == 404
    assert other_agent.client.get(f"/training/classes/{class_id}/items/1/audio").status_code == 404
    assert _post(other_agent, f"/api/classes/{class_id}/items/1/comments", {"text": "hi"}).status_code == 404
    assert [c["id"] for c in agent.client.get("/api/classes").json()] == [class_id]
    assert [c["id"] for c in other_lead.client.get("/api/classes").json()] == []
    assert agent.client.get("/training/classes").status_code == 200
    assert 'data-test="class-new"' not in agent.client.get("/training/classes").text
    assert 'data-test="class-new"' in lead.client.get("/training/classes").text
    assert _post(lead, f"/api/classes/{class_id}/start").status_code == 409  # already running
    assert lead.client.get(f"/training/classes/{class_id}/present?item=9").status_code == 404
    assert _post(lead, f"/api/classes/{class_id}/finish").json()["state"] == "held"
    late = _post(lead, f"/api/classes/{class_id}/items", {"interaction": "en-call-03"})
    assert late.status_code == 409 and "[T163]" in late.json()["detail"]
    with web.db.factory() as session:
        row = session.get(TrainingClassRow, class_id)
        assert row is not None and row.held_at is not None
        assert len(session.scalars(select(ClassItemRow).where(ClassItemRow.class_id == class_id)).all()) == 2


def test_the_editor_adds_moves_and_removes_items_through_forms(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    form = {"csrf_token": lead.csrf}
    created = lead.client.post("/training/classes", data={**form, "title": "Holds", "team": "Team North"})
    assert created.status_code == 200 and "/edit" in str(created.url)
    class_id = int(str(created.url).split("/")[-2])
    for ident in ("en-call-01", "en-call-02", "en-call-03"):
        added = lead.client.post(
            f"/training/classes/{class_id}/items",
            data={**form, "interaction": ident, "moments": "#2 the hold\n0:15 silence", "notes": "n"},
        )
        assert added.status_code == 200, added.text
    bad = lead.client.post(
        f"/training/classes/{class_id}/items",
        data={**form, "interaction": "en-call-04", "moments": "#9999 x"},
    )
    assert bad.status_code == 422 and "[T165]" in bad.text
    lead.client.post(f"/training/classes/{class_id}/items/3/move", data={**form, "by": "-1"})
    lead.client.post(f"/training/classes/{class_id}/items/1/remove", data=form)
    items = lead.client.get(f"/api/classes/{class_id}").json()["items"]
    assert [i["external_id"] for i in items] == ["en-call-03", "en-call-02"]
    assert items[0]["moments"] == [
        {"turn": 2, "ms": None, "label": "the hold"},
        {"turn": None, "ms": 15000, "label": "silence"},
    ]


def test_a_chinese_class_and_a_persian_item_read_in_their_languages(web: Web) -> None:
    analyst, lead, agent = web.signed_in("analyst"), web.signed_in("wang.fang"), web.signed_in("li.wei")
    created = _post(analyst, "/api/classes", {"title": "核对金额", "team": "Team Shanghai"})
    class_id = created.json()["id"]
    zh_call = next(e for e in web.ids() if e.startswith("acb-zhs-"))
    fa_call = next(e for e in web.ids() if e.startswith("acb-fa-"))
    for ident in (zh_call, fa_call):
        body = {"interaction": ident, "moments": [{"turn": 1, "label": "客户的问题"}], "notes": "先道歉"}
        assert _post(analyst, f"/api/classes/{class_id}/items", body).status_code == 201
    assert _post(lead, f"/api/classes/{class_id}/start").status_code == 200  # the team's supervisor runs it
    presenter = lead.client.get(f"/training/classes/{class_id}/present?item=1")
    assert (
        presenter.status_code == 200
        and "录音分析课" in presenter.text
        and "第 1 条交互，共 2 条" in presenter.text
    )
    said = "先说对不起，卡号 " + " ".join(VISA[i : i + 4] for i in range(0, 16, 4)) + " 不用再问。"
    comment = _post(agent, f"/api/classes/{class_id}/items/1/comments", {"text": said})
    assert comment.status_code == 201 and "先说对不起" in comment.json()["text"]
    assert VISA[:4] + " " + VISA[4:8] not in comment.json()["text"]
    page = agent.client.get(f"/training/classes/{class_id}?item=1")
    assert (
        "先说对不起" in page.text
        and "主讲人揭示后才会显示分析员的备注。" in page.text
        and "先道歉" not in page.text
    )
    persian = agent.client.get(f"/training/classes/{class_id}?item=2")
    turns = re.findall(r'<div class="turn [a-z -]+" data-turn="\d+"[^>]*dir="(\w+)"', persian.text)
    assert turns and set(turns) == {"rtl"}
