"""Text-preserving edits of scorecard YAML: one value changes, every comment and the layout stay."""

from __future__ import annotations

import pytest
import yaml

from callqa.core.errors import CallqaError
from callqa.scoring.loader import load_scorecard, parse_scorecard
from callqa.scoring.yaml_edit import flow, set_value

TEXT = """\
# top comment
name: t
sections:
  - id: s   # section comment
    criteria:
      - id: c
        detector:
          type: semantic
          # why 0.9
          threshold: 0.9
          examples:
            en: ["Let me repeat that."]
          counter_examples: {en: [nope]}
"""


def test_an_existing_value_is_replaced_and_comments_stay() -> None:
    edited = set_value(TEXT, ["sections", 0, "criteria", 0, "detector", "threshold"], 0.93)
    assert "# why 0.9" in edited and "# section comment" in edited and "# top comment" in edited
    assert yaml.safe_load(edited)["sections"][0]["criteria"][0]["detector"]["threshold"] == 0.93
    assert edited.replace("0.93", "0.9") == TEXT


def test_a_block_list_becomes_a_flow_list_in_place() -> None:
    path = ["sections", 0, "criteria", 0, "detector", "examples", "en"]
    edited = set_value(TEXT, path, ["Let me repeat that.", "So, to be sure: “twice”?"])
    loaded = yaml.safe_load(edited)["sections"][0]["criteria"][0]["detector"]
    assert loaded["examples"]["en"] == ["Let me repeat that.", "So, to be sure: “twice”?"]
    assert loaded["counter_examples"] == {"en": ["nope"]}


def test_a_missing_key_is_added_with_the_mapping_indentation() -> None:
    detector = ["sections", 0, "criteria", 0, "detector"]
    edited = set_value(TEXT, [*detector, "thresholds"], {"zh": 0.92, "fa": 0.9})
    loaded = yaml.safe_load(edited)["sections"][0]["criteria"][0]["detector"]
    assert loaded["thresholds"] == {"zh": 0.92, "fa": 0.9} and loaded["threshold"] == 0.9
    flowed = set_value(TEXT, [*detector, "counter_examples", "zh"], ["我帮您查一下。"])
    assert yaml.safe_load(flowed)["sections"][0]["criteria"][0]["detector"]["counter_examples"] == {
        "zh": ["我帮您查一下。"],
        "en": ["nope"],
    }


def test_a_wrong_path_is_a_coded_error() -> None:
    with pytest.raises(CallqaError, match=r"S101.*sections/3/criteria"):
        set_value(TEXT, ["sections", 3, "criteria", 0], 1)


def test_the_standard_scorecard_survives_an_edit_deep_inside() -> None:
    text = load_scorecard("standard").source_text
    raw = yaml.safe_load(text)
    sections = raw["sections"]
    s, c = next(
        (i, j)
        for i, section in enumerate(sections)
        for j, criterion in enumerate(section["criteria"])
        if criterion["id"] == "empathy"
    )
    path = ["sections", s, "criteria", c, "detector"]
    edited = set_value(text, [*path, "of", 0, "of", 0, "label"], "changed label")
    assert parse_scorecard(edited, "edited").name == "standard"
    assert text.count("\n#") == edited.count("\n#")  # every comment line kept
    assert len(edited.splitlines()) == len(text.splitlines())
    assert flow(["a: b", "ü"]) == "['a: b', ü]"
