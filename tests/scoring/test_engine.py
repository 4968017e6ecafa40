"""Weighted scores with N/A excluded, auto-fail on critical criteria, channel rules, explanations."""

from __future__ import annotations

import pytest

from callqa.scoring.engine import ENGINE_VERSION, evaluate
from qa_support import analysed, card, make_interaction

pytestmark = pytest.mark.issue(3)

CRITERIA = """      - id: greeting
        title: Greeting
        weight: 2
        detector: {type: phrase, phrases: [hello]}
      - id: thanks
        title: Thanks
        weight: 1
        detector: {type: phrase, phrases: [thank you]}
      - id: hold
        title: Hold etiquette
        weight: 5
        applies_when: {type: metric, metric: hold_count, op: ">", value: 0}
        detector: {type: phrase, phrases: [thanks for holding]}
      - id: disclosure
        title: Disclosure
        weight: 3
        channels: [voice]
        detector: {type: phrase, phrases: [recorded]}
      - id: readback
        title: No card read back
        weight: 1
        critical: true
        expect: absent
        detector: {type: regex, patterns: ['\\[card_number\\]']}
        explain: {fail: "Agent read card data back: {note}"}
"""


def test_weighted_score_excludes_na_and_names_versions() -> None:
    doc = make_interaction([("agent", "Hello, this call is recorded.", 0), ("customer", "Hi", 3)])
    ev = evaluate(analysed(doc), card(CRITERIA))
    outcomes = {r.criterion: r.outcome for r in ev.results}
    assert outcomes == {
        "greeting": "pass",
        "thanks": "fail",
        "hold": "n/a",
        "disclosure": "pass",
        "readback": "pass",
    }
    assert ev.raw_score == pytest.approx(100 * (2 + 3 + 1) / (2 + 1 + 3 + 1), abs=0.1)
    assert ev.score == ev.raw_score and not ev.auto_failed
    assert ev.engine_version == ENGINE_VERSION and len(ev.scorecard_hash) == 64
    assert ev.result("hold").explanation.startswith("N/A")


def test_channel_rules_make_criteria_na() -> None:
    chat = make_interaction([("agent", "Hello!", 0), ("agent", "Thank you", 9)], channel="chat")
    ev = evaluate(analysed(chat), card(CRITERIA))
    assert (
        ev.result("disclosure").outcome == "n/a"
        and "not scored on chat" in ev.result("disclosure").explanation
    )
    assert ev.raw_score == 100.0


def test_critical_failure_auto_fails_with_evidence() -> None:
    doc = make_interaction(
        [("agent", "Hello", 0), ("agent", "Your card [CARD_NUMBER] is blocked. Thank you", 5)]
    )
    ev = evaluate(analysed(doc), card(CRITERIA))
    readback = ev.result("readback")
    assert readback.outcome == "fail" and readback.critical
    assert readback.explanation.startswith("Agent read card data back:")
    assert readback.evidence[0].text == "[CARD_NUMBER]" and readback.evidence[0].turn == 1
    assert ev.auto_failed and ev.score == 0.0 and ev.raw_score is not None and ev.raw_score > 0
    assert not ev.passed


def test_everything_na_gives_no_score() -> None:
    only_hold = """      - id: hold
        title: Hold
        applies_when: {type: metric, metric: hold_count, op: ">", value: 0}
        detector: {type: phrase, phrases: [holding]}
"""
    ev = evaluate(analysed(make_interaction([("agent", "Hi", 0)])), card(only_hold))
    assert ev.raw_score is None and ev.score is None and not ev.passed
