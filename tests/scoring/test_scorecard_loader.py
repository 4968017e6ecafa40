"""Scorecard YAML validation: every problem is a coded error that says where it is."""

from __future__ import annotations

import pytest

from callqa.core.errors import CallqaError, ErrorCode
from callqa.scoring.loader import builtin_names, load_scorecard, parse_scorecard
from qa_support import card_yaml

pytestmark = pytest.mark.issue(3)

GOOD = """      - id: thanks
        title: Thanks
        detector: {type: phrase, phrases: [thank you]}
"""


def _error(text: str) -> CallqaError:
    with pytest.raises(CallqaError) as caught:
        parse_scorecard(text, "card.yaml")
    return caught.value


def test_builtin_standard_scorecard_is_valid() -> None:
    assert "standard" in builtin_names()
    card = load_scorecard("standard")
    ids = [c.spec.id for c in card.criteria]
    for expected in (
        "greeting",
        "recording_disclosure",
        "identity_before_account",
        "no_card_readback",
        "hold_etiquette",
        "transfer_explained",
        "anything_else",
        "thanks",
    ):
        assert expected in ids
    assert all(c.spec.weight > 0 for c in card.criteria)


def test_yaml_syntax_error_names_the_line() -> None:
    err = _error("name: t\ntitle: [unclosed\n")
    assert err.code is ErrorCode.S100 and "card.yaml" in str(err) and "line" in str(err)


def test_schema_error_names_the_criterion_and_field() -> None:
    bad = GOOD.replace("title: Thanks", "title: Thanks\n        weight: -1")
    err = _error(card_yaml(bad))
    assert err.code is ErrorCode.S101
    assert "sections[s].criteria[thanks].weight" in str(err)


def test_unknown_detector_lists_the_known_ones() -> None:
    err = _error(card_yaml(GOOD.replace("type: phrase", "type: phrse")))
    assert err.code is ErrorCode.S102
    assert "unknown detector 'phrse'" in str(err) and "phrase, position" in str(err)
    assert "s.thanks.detector" in str(err)


def test_bad_detector_params_and_nested_paths() -> None:
    nested = GOOD.replace(
        "{type: phrase, phrases: [thank you]}", "{type: all, of: [{type: regex, patterns: ['(unclosed']}]}"
    )
    err = _error(card_yaml(nested))
    assert (
        err.code is ErrorCode.S103 and "detector.of[0]" in str(err) and "bad regular expression" in str(err)
    )
    unknown_language = GOOD.replace("phrases: [thank you]", "phrases: {xx: [hi]}")
    assert "unknown language key" in str(_error(card_yaml(unknown_language)))
    extra = GOOD.replace("phrases: [thank you]", "phrases: [hi], colour: red")
    assert "colour" in str(_error(card_yaml(extra)))


def test_duplicate_criterion_id() -> None:
    err = _error(card_yaml(GOOD + GOOD))
    assert err.code is ErrorCode.S104


def test_unknown_scorecard_name() -> None:
    with pytest.raises(CallqaError, match=r"\[S105\] scorecard 'nope' not found; built in: .*standard"):
        load_scorecard("nope")


def test_vocabulary_expands_and_config_overrides_change_the_version() -> None:
    criteria = GOOD.replace("phrases: [thank you]", "phrases: ['thank you for calling {company}']")
    text = card_yaml(criteria, extra="vocabulary:\n  company: [Acme Bank, 安信银行]\n")
    card = parse_scorecard(text, "v.yaml")
    assert card.criteria[0].spec.detector["phrases"] == [
        "thank you for calling Acme Bank",
        "thank you for calling 安信银行",
    ]
    other = parse_scorecard(text, "v.yaml", {"company": ["Globex"]})
    assert other.criteria[0].spec.detector["phrases"] == ["thank you for calling Globex"]
    assert other.content_hash != card.content_hash
    with pytest.raises(CallqaError, match="not in the vocabulary"):
        parse_scorecard(card_yaml(criteria), "v.yaml")
