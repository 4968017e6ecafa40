"""Friction: repetition (any script), silences, holds, transfers and sentiment drops."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.analysis_support import analysed, make
from callqa.analysis.friction import (
    REPEAT_SIMILARITY,
    FrictionAnalyzer,
    _jaccard,
    _repeats,
    repetitions,
    similarity,
)
from callqa.core.annotations import Friction, SentimentResult, Trajectory
from callqa.core.document import Interaction
from qa_support import demo_interactions


def neutral(
    doc: Interaction, scores: tuple[float | None, ...] | None = None, **customer: float
) -> SentimentResult:
    per_turn = scores if scores is not None else tuple(None for _ in doc.turns)
    return SentimentResult(per_turn, Trajectory(**customer), Trajectory(), "test")


def friction(doc: Interaction, sentiment: SentimentResult | None = None, **options: float) -> list[Friction]:
    analysis = analysed(doc, sentiment=sentiment or neutral(doc))
    result: list[Friction] = FrictionAnalyzer(**options)(analysis)["friction"]
    return result


def test_similarity_is_script_and_variant_blind() -> None:
    assert (
        similarity("I want to speak to your manager", "I want to speak to a manager now") >= REPEAT_SIMILARITY
    )
    assert similarity("我的钱到底去哪儿了", "我的錢到底去哪兒了？") == 1.0
    assert similarity("Mano kortelė užblokuota", "Kodėl neveikia programėlė") < REPEAT_SIMILARITY
    assert similarity("", "anything") == 0.0


def test_customer_repeating_is_found_in_each_language() -> None:
    cases = [
        (
            "My card was charged twice for the same order.",
            "Like, my card was charged twice for the same order!",
        ),
        ("我的卡被重复扣款了两次。", "我的卡被重複扣款了兩次啊！"),
        ("Iš sąskaitos nuskaičiavo du kartus tą pačią sumą.", "Nuskaičiavo du kartus tą pačią sumą!"),
        ("پول دو بار از حسابم کم شده است.", "آقا پول دو بار از حسابم کم شده!"),
    ]
    for first, again in cases:
        doc = make([("customer", first, 0.0), ("agent", "Okay.", 5.0), ("customer", again, 8.0)])
        (found,) = repetitions(doc.turns)
        assert (found.kind, found.turn, found.start_ms) == ("repetition", 2, 8000)
        assert found.detail.startswith("Customer repeated: '")


def test_different_sentences_and_short_answers_are_not_repetition() -> None:
    doc = make(
        [
            ("customer", "Yes please.", 0.0),
            ("customer", "My card is blocked after the trip.", 2.0),
            ("customer", "Yes please.", 4.0),
            ("customer", "Could you also raise my limit for next month?", 6.0),
        ]
    )
    assert repetitions(doc.turns) == []


def test_saying_so_counts_as_repetition() -> None:
    doc = make(
        [("customer", "I need a new card.", 0.0), ("customer", "As I said, the old one is gone.", 5.0)]
    )
    assert [f.turn for f in repetitions(doc.turns)] == [1]


def test_silences_holds_and_numbered_transfers_in_time_order() -> None:
    doc = make(
        [
            ("agent", "Hello, how can I help?", 0.0, 2.0),
            ("customer", "My payment is missing.", 3.0, 5.0),
            ("agent", "Checking.", 6.0, 7.0),
            ("customer", "Hello?", 45.0, 46.0),
            ("agent", "Transferring you to payments.", 47.0, 49.0),
            ("agent", "Payments team, transferring you to fraud.", 260.0, 263.0),
        ],
        events=[
            {"kind": "transfer", "start_ms": 50000, "end_ms": 51000, "detail": "Payments"},
            {"kind": "hold", "start_ms": 51000, "end_ms": 259000},
            {"kind": "transfer", "start_ms": 264000, "end_ms": 265000},
        ],
    )
    found = friction(doc)
    assert [(f.kind, f.turn, f.start_ms) for f in found] == [
        ("long_silence", 2, 7000),
        ("transfer", 4, 50000),
        ("hold", 4, 51000),
        ("transfer", 5, 264000),
    ]
    assert found[0].detail == "38 s of silence at 0:07"
    assert found[1].detail == "Transfer 1 of 2 at 0:50: Payments"
    assert found[2].detail == "Customer on hold for 208 s at 0:51"
    assert found[3].detail == "Transfer 2 of 2 at 4:24"
    assert [f.kind for f in friction(doc, silence_s=60, hold_s=300)] == ["transfer", "transfer"]


def test_sentiment_drop_between_customer_turns_and_over_the_call() -> None:
    doc = make(
        [
            ("customer", "Great, thanks for picking up so fast.", 0.0),
            ("agent", "Sure.", 3.0),
            ("customer", "What? That is absolutely terrible news.", 5.0),
            ("customer", "Fine.", 9.0),
        ]
    )
    sentiment = neutral(doc, (0.6, None, -0.3, -0.2), start=0.6, end=-0.25)
    found = friction(doc, sentiment)
    assert [(f.kind, f.turn) for f in found] == [("sentiment_drop", 2), ("sentiment_drop", None)]
    assert found[0].detail.startswith("Customer sentiment fell from +0.60 to -0.30: 'What?")
    assert "over the interaction from +0.60 to -0.25" in found[1].detail
    assert friction(doc, neutral(doc, (0.2, None, -0.1, -0.2), start=0.2, end=-0.15)) == []


def test_demo_friction_matches_the_timeline_and_events() -> None:
    docs = demo_interactions()
    found = {key: friction(doc) for key, doc in docs.items()}
    transfers = {key for key, items in found.items() if any(f.kind == "transfer" for f in items)}
    assert transfers == {key for key, doc in docs.items() if any(e.kind == "transfer" for e in doc.events)}
    silences = {key for key, items in found.items() if any(f.kind == "long_silence" for f in items)}
    assert silences == {"en-call-07", "lt-call-03", "acb-zhs-20261002-3364", "acb-zht-20261008-2251",
                        "acb-fa-20261011-1921"}  # fmt: skip
    assert [f.turn for f in found["en-chat-01"] if f.kind == "repetition"] == [2]


@settings(max_examples=300, deadline=None)
@given(
    st.frozensets(st.sampled_from([f"g{i}" for i in range(40)]), max_size=30),
    st.lists(st.frozensets(st.sampled_from([f"g{i}" for i in range(40)]), max_size=30), max_size=6),
)
def test_the_size_filter_never_changes_whether_a_sentence_repeats(
    grams: frozenset[str], earlier: list[frozenset[str]]
) -> None:
    brute = bool(grams) and any(_jaccard(grams, e) >= REPEAT_SIMILARITY for e in earlier)
    assert _repeats(grams, earlier, REPEAT_SIMILARITY) == brute
