"""Topic discovery (callqa.insights.topics): statements no reason covered, grouped by meaning with the real
multilingual embedder, named by their distinctive words, emerging when recent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callqa.core.document import Interaction
from callqa.core.query import InteractionQuery
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.topics import Statement, discover, kmeans, unrecognised, words
from callqa.interactions.service import StoreItem, store_interactions
from callqa.ml.embeddings import get_embedder
from callqa.scoring.models import AnalysisRow
from support import Database

pytestmark = pytest.mark.issue(7)
END = date(2026, 10, 31)
TOPICS = {
    "crypto": [
        "Can I buy bitcoin with my account?",
        "Do you support crypto wallets?",
        "I want to send money to a crypto exchange",
        "Why was my transfer to Binance blocked?",
        "Is there a bitcoin trading option in the app?",
        "Can I hold cryptocurrency with you?",
    ],
    "hours": [
        "What time does the branch open on Saturday?",
        "Is the city centre branch open on Sunday?",
        "When does your branch close today?",
        "What are the opening hours of the Kaunas branch?",
        "Are you open on the bank holiday?",
        "Until what time is the branch open?",
    ],
    "pension": [
        "How do I move my pension to you?",
        "I want to transfer my private pension fund",
        "What pension plans do you offer?",
        "Can I see my pension savings in the app?",
        "How much should I pay into my pension?",
        "I'd like advice about my retirement pension",
    ],
}


def statements() -> list[Statement]:
    out = []
    for topic, texts in TOPICS.items():
        for i, text in enumerate(texts):
            days_back = 2 if topic == "crypto" else 20 + i  # crypto: all in the last days
            out.append(Statement(len(out) + 1, END - timedelta(days=days_back), text))
    return out


def test_three_unnamed_topics_are_found_and_named() -> None:
    every = statements()
    truth = {
        s.interaction_id: topic
        for s, topic in zip(every, [t for t in TOPICS for _ in TOPICS[t]], strict=True)
    }
    found = discover(every, get_embedder().embed, END - timedelta(days=29), END, min_size=4)
    assert len(found) == 3 and sum(t.size for t in found) == 18
    for t in found:  # each topic is mostly one true topic (a stray statement may land elsewhere)
        majority = max(sum(1 for m in t.members if truth[m] == name) for name in TOPICS)
        assert majority >= 5 and majority >= t.size - 1, t
    crypto = next(t for t in found if t.examples[0].text in TOPICS["crypto"])
    assert crypto.emerging and crypto.recent_share >= 5 / 7
    assert not any(t.emerging for t in found if t is not crypto)
    assert {"bitcoin", "crypto", "cryptocurrency", "binance", "exchange", "wallets"} & set(crypto.terms)
    assert discover(statements()[:3], get_embedder().embed, END, END) == []  # too few to group


def test_kmeans_and_words() -> None:
    import numpy as np

    points = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labels = kmeans(points, 2)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert words("Why was my transfer blocked?") == ["why", "transfer", "blocked"]
    assert "挂失" in words("我想挂失我的银行卡")


def test_statements_without_a_reason_come_from_the_stored_turns(db: Database) -> None:
    docs = [
        Interaction.model_validate(
            {
                "external_id": f"u{i}",
                "channel": "chat",
                "started_at": "2026-10-20T10:00:00Z",
                "turns": [{"role": "customer", "text": text}],
            }
        )
        for i, text in enumerate(TOPICS["hours"])
    ]
    with db.factory.begin() as session:
        stored = store_interactions(session, [StoreItem(d) for d in docs])
        for s in stored:
            session.add(
                AnalysisRow(
                    interaction_id=s.interaction_id,
                    pipeline="t",
                    interaction_hash="",
                    language="en",
                    data={"reason": {"id": None, "turn": 0}},
                    created_at=datetime.now(UTC),
                )
            )
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        found = unrecognised(session, InteractionQuery.on_days(date(2026, 10, 1), END))
        assert sorted(s.text for s in found) == sorted(TOPICS["hours"])
        assert (
            unrecognised(session, InteractionQuery.on_days(date(2026, 10, 1), END, teams=frozenset({"x"})))
            == []
        )
