"""The interaction list searches transcripts: highlighted, escaped snippets linking to the turn; sorting
by column; the failed-criterion pick-list by title."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from callqa.core.document import Interaction
from callqa.interactions.models import InteractionRow
from callqa.interactions.service import StoreItem, store_interactions
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from web_support import Web

HOSTILE = '<script>alert("x")</script> the zorbleflux broke & I want a refund'


def _add(web: Web) -> int:
    doc = Interaction.model_validate(
        {
            "external_id": "search-hostile",
            "channel": "chat",
            "started_at": datetime(2026, 3, 2, 9, tzinfo=UTC),
            "turns": [
                {"role": "agent", "text": "Hello, how can I help?"},
                {"role": "customer", "text": HOSTILE},
            ],
        }
    )
    with web.db.factory.begin() as session:
        (stored,) = store_interactions(session, [StoreItem(doc)])
    assert stored.interaction_id is not None
    return stored.interaction_id


def test_the_page_shows_an_escaped_snippet_with_the_hit_marked_and_linked_to_its_turn(web: Web) -> None:
    ident = _add(web)
    client = web.signed_in("analyst").client
    page = client.get("/interactions", params={"q": "customer:zorbleflux"})
    assert page.status_code == 200
    assert re.findall(r'<tr data-id="(\d+)"', page.text) == [str(ident)]
    snippet = re.search(r'<tr class="snippet" data-snippet="(\d+)">(.*?)</tr>', page.text, re.S)
    assert snippet is not None and snippet.group(1) == str(ident)
    assert f'/interactions/{ident}#turn-1"' in snippet.group(2)
    assert "<mark>zorbleflux</mark>" in snippet.group(2)
    assert "&lt;script&gt;" in snippet.group(2) and "<script>" not in snippet.group(2)
    assert 'value="customer:zorbleflux"' in page.text  # the box keeps the search
    detail = client.get(f"/interactions/{ident}")
    assert 'id="turn-1"' in detail.text
    assert client.get("/interactions", params={"q": "agent:zorbleflux"}).text.count("data-snippet=") == 0


def test_the_api_searches_with_q_and_returns_the_snippet(web: Web) -> None:
    ident = _add(web)
    client = web.signed_in("analyst").client
    body: dict[str, Any] = client.get("/api/interactions", params={"q": '"zorbleflux broke" -kettle'}).json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["id"] == ident
    assert item["snippet"]["turn"] == 1 and item["snippet"]["role"] == "customer"
    assert item["snippet"]["marks"] == ["zorbleflux", "broke"]
    assert HOSTILE in item["snippet"]["text"]  # JSON carries the text; the page escapes it
    too_many = client.get("/api/interactions", params={"q": " ".join(f"w{i}" for i in range(20))})
    assert too_many.status_code == 422 and "V106" in too_many.text


def test_columns_sort_and_a_bad_sort_is_refused(web: Web) -> None:
    client = web.signed_in("analyst").client
    for sort, key in (("-csat", "csat"), ("final_score", "final_score"), ("-duration", "duration_ms")):
        items = client.get("/api/interactions", params={"sort": sort, "limit": 200}).json()["items"]
        values = [i[key] for i in items if i[key] is not None]
        assert values == sorted(values, reverse=sort.startswith("-")), sort
        assert all(i[key] is None for i in items[len(values) :])  # blanks last
    sentiments = [
        i["sentiment"] for i in client.get("/api/interactions?sort=sentiment&limit=200").json()["items"]
    ]
    known = [s for s in sentiments if s is not None]
    assert known and known == sorted(known)
    refused = client.get("/api/interactions?sort=agent")
    assert refused.status_code == 422 and "V107" in refused.text
    assert client.get("/interactions?sort=agent").status_code == 422
    page = client.get("/interactions?sort=-csat")
    header = re.search(r"<th[^>]*><a [^>]*data-sort=\"csat\">", page.text)
    assert header is not None, re.findall(r"<th.{0,200}", page.text)[-1]
    assert 'aria-sort="descending"' in header.group() and 'sort=csat"' in header.group()


def test_the_failed_criterion_is_picked_by_title_in_any_case(web: Web) -> None:
    with web.db.factory() as session:
        title = session.scalar(
            select(CriterionResultRow.title).where(CriterionResultRow.criterion == "identity_before_account")
        )
        failed = session.scalars(
            select(InteractionRow.id)
            .join(EvaluationRow, EvaluationRow.interaction_id == InteractionRow.id)
            .join(CriterionResultRow, CriterionResultRow.evaluation_id == EvaluationRow.id)
            .where(
                EvaluationRow.is_current.is_(True),
                CriterionResultRow.criterion == "identity_before_account",
                CriterionResultRow.outcome == "fail",
            )
        ).all()
    assert title and failed
    client = web.signed_in("analyst").client
    for name in (title.upper(), "IDENTITY_BEFORE_ACCOUNT", title.lower()):
        assert client.get("/api/interactions", params={"failed": name}).json()["total"] == len(failed)
    page = client.get("/interactions", params={"failed": title.upper()})
    assert f'<option value="identity_before_account" selected>{title}</option>' in page.text


def test_sorting_by_an_evaluation_column_pages_through_blanks_last(web: Web) -> None:
    _add(web)  # one interaction with no evaluation: it sorts after every score
    client = web.signed_in("analyst").client
    with web.db.factory() as session:
        rows = session.execute(
            select(InteractionRow.id, EvaluationRow.ai_score).outerjoin(
                EvaluationRow,
                (EvaluationRow.interaction_id == InteractionRow.id) & EvaluationRow.is_current.is_(True),
            )
        ).all()
    for sort in ("-score", "score"):
        sign = -1 if sort.startswith("-") else 1
        expected = [
            r.id for r in sorted(rows, key=lambda r: (r.ai_score is None, sign * (r.ai_score or 0), -r.id))
        ]
        whole = [
            i["id"]
            for i in client.get("/api/interactions", params={"sort": sort, "limit": 200}).json()["items"]
        ]
        assert whole == expected, sort
        paged: list[int] = []
        for offset in range(0, len(expected) + 7, 7):
            answer = client.get("/api/interactions", params={"sort": sort, "limit": 7, "offset": offset})
            paged += [i["id"] for i in answer.json()["items"]]
        assert paged == expected, sort
