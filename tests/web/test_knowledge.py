"""Promoting a great answer from a transcript to the knowledge base (seed 004), and finding it."""

from __future__ import annotations

from sqlalchemy import func, select

from callqa.interactions.models import TurnRow
from callqa.knowledge.models import ArticleRow
from web_support import SignedIn, Web


def _post(who: SignedIn, body: dict[str, object]) -> object:
    return who.client.post("/api/knowledge/promote", json=body, headers={"x-csrf-token": who.csrf})


def _count(web: Web) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count(ArticleRow.id))) or 0)


def test_promote_an_agent_answer_and_find_it(web: Web) -> None:
    ident = web.ids()["en-call-05"]
    with web.db.factory() as session:
        turns = session.execute(
            select(TurnRow.seq, TurnRow.role, TurnRow.text)
            .where(TurnRow.interaction_id == ident)
            .order_by(TurnRow.seq)
        ).all()
    agent_turn = next(t for t in turns if t.role == "agent" and len(t.text) > 40)
    customer_turn = next(t for t in turns if t.role == "customer")
    lead, agent = web.signed_in("sam.lead"), web.signed_in("j.smith")
    body = {"interaction_id": ident, "turn": agent_turn.seq, "title": "Explaining loan approval timing"}
    assert _post(agent, body).status_code == 403  # agents do not promote
    assert _post(web.signed_in("wang.fang"), body).status_code == 404  # not their team's call
    assert _post(lead, {**body, "turn": customer_turn.seq}).status_code == 422  # only an agent's answer  # type: ignore[attr-defined]
    assert _count(web) == 0
    created = _post(lead, {**body, "note": "Give the date, not a vague promise."})
    assert created.status_code == 201  # type: ignore[attr-defined]
    article = created.json()  # type: ignore[attr-defined]
    assert article["body"].startswith("> " + agent_turn.text.splitlines()[0])
    assert article["body"].endswith("Give the date, not a vague promise.")
    assert article["source_interaction_id"] == ident and article["language"] == "en"
    word = agent_turn.text.split()[2]
    found = agent.client.get("/api/knowledge", params={"q": f"loan {word}", "mode": "words"}).json()
    assert [a["id"] for a in found] == [article["id"]]
    assert agent.client.get("/api/knowledge", params={"q": "no-such-word", "mode": "words"}).json() == []
    page = agent.client.get("/knowledge").text
    assert f'id="article-{article["id"]}"' in page and "Explaining loan approval timing" in page
    form_page = lead.client.get(f"/interactions/{ident}").text
    assert (
        'id="promote"' in form_page and 'id="promote"' not in agent.client.get(f"/interactions/{ident}").text
    )
