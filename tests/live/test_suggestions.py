"""Knowledge suggestions for agents: the real multilingual model, questions in four languages, and the
off-topic sentences that must suggest nothing (e5 similarities are compressed: a bare threshold fails)."""

from __future__ import annotations

import pytest

from callqa.knowledge.semantic import KnowledgeIndex, passages
from callqa.ml.embeddings import get_embedder

pytestmark = [pytest.mark.issue(6), pytest.mark.timeout(300)]

ARTICLES = {
    1: (
        "Lost or stolen card",
        "Block the card at once in the app or by phone. A replacement arrives in 5 working days; "
        "express delivery costs 10 EUR.",
    ),
    2: ("Monthly account fee", "The 4 EUR monthly fee is waived when 500 EUR or more is paid in each month."),
    3: (
        "Mortgage early repayment",
        "Customers may repay part of a mortgage early once a year without a penalty.",
    ),
}
ANSWERABLE = {
    "I lost my card, what do I do?": 1,
    "How much is express delivery of a new card?": 1,
    "我的银行卡丢了怎么办？": 1,
    "Kiek kainuoja nauja kortelė?": 1,
    "Kodėl man nuskaičiavo mėnesinį mokestį?": 2,
    "每个月的账户管理费怎么免？": 2,
    "آیا می‌توانم وام مسکن را زودتر پرداخت کنم؟": 3,
}
OFF_TOPIC = [
    "What's the weather like tomorrow?",
    "Can I speak to your manager?",
    "My name is David Osei.",
    "Yes, that's right.",
]


def index(articles: dict[int, tuple[str, str]]) -> KnowledgeIndex:
    built = KnowledgeIndex(get_embedder())
    built.rows = [(k, t, b, p) for k, (t, b) in articles.items() for p in passages(t, b)]
    built.vectors = built.embedder.embed([r[3] for r in built.rows])
    return built


def test_questions_get_their_article_and_small_talk_gets_nothing() -> None:
    kb = index(ARTICLES)
    questions = list(ANSWERABLE) + OFF_TOPIC
    suggested = kb.suggest(get_embedder().embed(questions))
    for question, hits in zip(questions, suggested, strict=True):
        expected = [ANSWERABLE[question]] if question in ANSWERABLE else []
        assert [h.article_id for h in hits] == expected, (
            question,
            [(h.title, round(h.similarity, 3)) for h in hits],
        )


def test_a_one_article_knowledge_base_still_suggests_only_on_topic() -> None:
    kb = index({2: ARTICLES[2]})
    questions = ["Kodėl man nuskaičiavo mėnesinį mokestį?", "I lost my card, what do I do?", *OFF_TOPIC]
    found = [[h.article_id for h in hits] for hits in kb.suggest(get_embedder().embed(questions))]
    assert found == [[2], [], [], [], [], []]
