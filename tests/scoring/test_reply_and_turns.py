"""The ``reply`` detector (what the agent says next when the customer says something) and windows that count
speaking turns, not the utterances a transcript splits them into."""

from __future__ import annotations

from typing import Any

import pytest

from callqa.scoring.detectors import build_detector
from callqa.scoring.detectors.echo import echoed
from qa_support import context, make_interaction

pytestmark = pytest.mark.issue(17)

# A spoken transcript: one speaking turn split into utterances, no punctuation.
SPOKEN = make_interaction(
    [
        ("agent", "hello this is harper valley national bank", 0),
        ("agent", "my name is elizabeth", 3),
        ("agent", "how can i help you today", 5),
        ("customer", "hi i lost my debit card", 9),
        ("agent", "sure i can help you with that", 12),
        ("agent", "which card would you like to replace", 14),
        ("customer", "my debit card", 18),
        ("agent", "i have ordered your replacement card", 21),
        ("agent", "is there anything else i can help you with", 24),
        ("agent", "thank you for calling", 26),
        ("agent", "have a great day", 27),
        ("agent", "bye", 28),
    ]
)
PROBLEM = {"type": "phrase", "speaker": "customer", "phrases": {"en": ["lost", "stolen"]}}
ACK = {"type": "phrase", "label": "acknowledgement", "phrases": {"en": ["sure", "no problem"]}}


def run(spec: dict[str, Any], doc: Any = SPOKEN) -> Any:
    return build_detector(spec, "test").evaluate(context(doc))


def test_reply_looks_in_the_agents_next_speaking_turn_only() -> None:
    found = run({"type": "reply", "to": PROBLEM, "answer": ACK})
    assert found.matched and [e.turn for e in found.evidence] == [4]
    # the same words later in the call are not a reply to the problem
    late = make_interaction(
        [
            ("customer", "i lost my card", 0),
            ("agent", "okay", 2),
            ("agent", "sure", 3),
            ("customer", "thanks", 5),
            ("agent", "no problem", 6),
        ]
    )
    assert (
        run(
            {"type": "reply", "to": PROBLEM, "answer": {**ACK, "phrases": {"en": ["no problem"]}}}, late
        ).matched
        is False
    )
    missed = run({"type": "reply", "to": PROBLEM, "answer": {**ACK, "phrases": {"en": ["sorry"]}}})
    assert not missed.matched and "after “lost”" in missed.note


def test_reply_when_the_customer_never_says_it() -> None:
    calm = {**PROBLEM, "phrases": {"en": ["fraud"]}}
    assert run({"type": "reply", "to": calm, "answer": ACK}).applicable is False  # N/A by default
    assert run({"type": "reply", "to": calm, "answer": ACK, "when_absent": "pass"}).matched
    assert not run({"type": "reply", "to": calm, "answer": ACK, "when_absent": "fail"}).matched


def test_every_reply_must_match_with_every() -> None:
    twice = make_interaction(
        [
            ("customer", "i lost my card", 0),
            ("agent", "sure", 2),
            ("customer", "and my phone was stolen", 4),
            ("agent", "okay", 6),
        ]
    )
    assert run({"type": "reply", "to": PROBLEM, "answer": ACK}, twice).matched
    assert not run({"type": "reply", "to": PROBLEM, "answer": ACK, "every": True}, twice).matched


def test_windows_count_speaking_turns_not_utterances() -> None:
    closing = {"type": "phrase", "within": {"last_turns": 1}, "phrases": {"en": ["anything else"]}}
    assert run(closing).matched  # "anything else" / "thank you" / "have a great day" / "bye": one turn
    opening = {"type": "phrase", "within": {"first_turns": 1}, "phrases": {"en": ["my name is"]}}
    assert run(opening).matched
    second = {"type": "phrase", "within": {"first_turns": 1}, "phrases": {"en": ["which card"]}}
    assert not run(second).matched  # the agent's second speaking turn


QUESTION = {
    "type": "regex",
    "speaker": "customer",
    "patterns": {"en": [r"\bwhat are\b", r"\bi want to know\b"]},
}
HOURS = make_interaction(
    [
        ("agent", "hello this is harper valley national bank", 0),
        ("customer", "hi i want to know what are the local branch hours please", 3),
        ("agent", "okay one second please", 6),
        ("customer", "certainly", 8),
        ("agent", "the branch hours are nine thirty to five", 10),
        ("customer", "okay thank you so much", 14),
        ("agent", "thank you for calling have a great day", 16),
    ]
)


def test_a_reply_in_the_callers_own_words_is_an_answer() -> None:
    """``echo``: two consecutive content words of the question found again in the agent's answer, even
    after a "one second" / "certainly" exchange; courtesy words ("thank you") are not content."""
    found = run({"type": "reply", "to": QUESTION, "echo": 2, "when_absent": "fail"}, HOURS)
    assert found.matched and [e.text for e in found.evidence] == ["branch hours"]
    assert "caller's words" in found.note
    thanked = make_interaction(
        [
            ("customer", "i want to know if you can help thank you so much", 0),
            ("agent", "thank you for calling have a great day", 3),
        ]
    )
    assert not run({"type": "reply", "to": QUESTION, "echo": 2, "when_absent": "fail"}, thanked).matched
    # a new statement by the caller ends the answer: words the agent says after it are not an echo
    moved_on = make_interaction(
        [
            ("customer", "i want to know the local branch hours", 0),
            ("agent", "one moment", 3),
            ("customer", "actually i also lost my card yesterday", 5),
            ("agent", "the branch hours are nine to five", 8),
        ]
    )
    assert not run({"type": "reply", "to": QUESTION, "echo": 2, "when_absent": "fail"}, moved_on).matched


def test_echo_in_chinese_counts_characters() -> None:
    said, reply = "我想查询一下分行营业时间", "分行营业时间是早上九点到下午五点"
    span = echoed(said, reply, 2)
    assert span is not None and reply[span[0] : span[1]] == "分行营"
    assert echoed("我想查询一下分行营业时间", "好的，请稍等", 2) is None


def test_a_reply_needs_an_answer_or_an_echo() -> None:
    with pytest.raises(Exception, match="answer detector, echo, or both"):
        build_detector({"type": "reply", "to": QUESTION}, "test")
