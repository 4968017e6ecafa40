"""Knowledge-base articles written in the app (markdown, rendered safely) and found by meaning across
languages with the multilingual embedding model (real model, no stand-in)."""

from __future__ import annotations

from typing import Any

import pytest

from web_support import SignedIn, Web

pytestmark = [pytest.mark.issue(6), pytest.mark.timeout(300)]

ARTICLES = {
    "card": (
        "Lost or stolen card",
        "Block the card at once in the app or by phone. A replacement arrives in 5 working days; "
        "express delivery costs 10 EUR.",
    ),
    "fees": (
        "Monthly account fee",
        "The 4 EUR monthly fee is waived when 500 EUR or more is paid in each month.",
    ),
    "mortgage": (
        "Mortgage early repayment",
        "Customers may repay part of a mortgage early once a year without a penalty.",
    ),
}
QUESTIONS = [  # (question, the article that answers it)
    ("I lost my card, what do I do?", "card"),
    ("我的银行卡丢了怎么办？", "card"),  # Chinese
    ("Kodėl man nuskaičiavo mėnesinį mokestį?", "fees"),  # Lithuanian: why was I charged the monthly fee?
    ("آیا می‌توانم وام مسکن را زودتر پرداخت کنم؟", "mortgage"),  # Persian: can I repay the mortgage early?
]


def post(who: SignedIn, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(who.client, method)(url, json=body, headers={"x-csrf-token": who.csrf})


def test_articles_are_found_by_meaning_in_any_language(web: Web) -> None:
    lead, agent = web.signed_in("sam.lead"), web.signed_in("j.smith")
    assert post(agent, "/api/knowledge", {"title": "x", "body": "y"}).status_code == 403  # agents read only
    ids = {}
    for key, (title, body) in ARTICLES.items():
        created = post(lead, "/api/knowledge", {"title": title, "body": body, "language": "en"})
        assert created.status_code == 201
        ids[key] = created.json()["id"]
    for question, answer in QUESTIONS:
        hits = agent.client.get("/api/knowledge", params={"q": question}).json()
        assert hits and hits[0]["id"] == ids[answer], (
            question,
            [(h["title"], h["similarity"]) for h in hits],
        )
        assert hits[0]["similarity"] > (hits[1]["similarity"] if len(hits) > 1 else 0)


def test_an_edited_article_is_found_by_its_new_text_and_markdown_is_rendered_safely(web: Web) -> None:
    lead = web.signed_in("sam.lead")
    body = {
        "title": "Travel notice",
        "body": "Tell us **before** you travel.\n\n<script>alert(1)</script> [x](javascript:alert(1))",
    }
    article = post(lead, "/api/knowledge", body).json()
    page = lead.client.get("/knowledge").text
    assert "<strong>before</strong>" in page and "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page
    changed = {
        "title": "Travel notice",
        "body": "Crypto purchases are blocked by default; unblock them in the app.",
    }
    assert post(lead, f"/api/knowledge/{article['id']}", changed, method="put").status_code == 200
    hits = lead.client.get("/api/knowledge", params={"q": "how do I buy bitcoin with my card"}).json()
    assert hits[0]["id"] == article["id"]
    assert post(lead, "/api/knowledge/999999", changed, method="put").status_code == 404
