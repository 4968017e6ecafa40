"""``callqa eval --dataset criteria``: the standard scorecard against people's labels, on calls written in the
Harper Valley format (spoken style: lower case, no punctuation, one utterance per line), and on the real
development calls when ../shared/data has them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callqa.accuracy.criteria import CRITERIA, call_document, load_calls, load_labels, measure_criteria
from callqa.accuracy.runner import default_data_dir

pytestmark = pytest.mark.issue(17)


def _utterances(lines: list[tuple[str, str]]) -> list[dict[str, object]]:
    return [
        {
            "role": role,
            "start_ms": 2000 * i,
            "duration_ms": 1500,
            "human_transcript": text,
            "asr_transcript": text,
        }
        for i, (role, text) in enumerate(lines)
    ]


GOOD = _utterances(
    [
        ("agent", "hello this is harper valley national bank my name is anna how can i help you today"),
        ("caller", "hi my name is john smith i lost my credit card"),
        ("agent", "oh no i'm sorry to hear that i can help you with that"),
        ("agent", "can i have your date of birth and the last four digits of your social security number"),
        ("caller", "may fifth nineteen eighty and four four one two"),
        ("agent", "thank you you're verified"),
        ("agent", "when did you last use the card"),
        ("caller", "yesterday at the grocery store"),
        ("agent", "i have ordered your replacement card it will arrive in three to five business days"),
        ("agent", "is there anything else i can help you with"),
        ("caller", "no thanks [noise]"),
        ("agent", "thank you for calling harper valley have a great day"),
        ("agent", "bye"),
    ]
)
CURT = _utterances(
    [
        ("agent", "harper valley"),
        ("caller", "hi i lost my debit card can you send me a new one"),
        ("agent", "which card would you like to replace"),
        ("caller", "my debit card"),
        ("agent", "i have ordered your replacement card"),
        ("agent", "bye"),
    ]
)


def test_spoken_calls_against_labels(tmp_path: Path) -> None:
    calls = [
        {"sid": "good", "duration_ms": 30000, "utterances": GOOD},
        {"sid": "curt", "duration_ms": 20000, "utterances": CURT},
    ]
    doc = call_document(calls[0])
    assert doc.turns[10].text == "no thanks"  # noise marks out
    people = {
        "good": dict.fromkeys(CRITERIA, "pass"),
        "curt": {
            "greeting": "fail",
            "identity_before_account": "fail",
            "active_listening": "fail",
            "empathy": "fail",
            "next_steps": "fail",
            "anything_else": "fail",
            "thanks": "fail",
        },
    }
    path = tmp_path / "labels.jsonl"
    path.write_text(
        "".join(json.dumps({"sid": s, **v, "graders": [v, v]}) + "\n" for s, v in people.items()),
        encoding="utf-8",
    )
    rows = {r.task.removeprefix("criterion "): r for r in measure_criteria(calls, load_labels(path))}
    assert set(rows) == set(CRITERIA)
    for criterion, row in rows.items():
        assert row.n == 2 and row.metrics["graders_agreement"] == 1.0
        assert row.metrics["agreement"] == 1.0, criterion  # every criterion right on both calls


def test_the_shipped_labels_and_the_real_calls() -> None:
    labels = load_labels()
    assert len(labels) == 40
    for labelled in labels.values():
        assert set(labelled.consensus) == set(CRITERIA) and len(labelled.graders) == 2
    folder = (default_data_dir() or Path("/nonexistent")) / "harper_valley"
    calls = load_calls(folder)
    if calls is None:
        pytest.skip("../shared/data/harper_valley is not here")
    rows = {r.task.removeprefix("criterion "): r for r in measure_criteria(calls, labels)}
    # measured 2026-12-05: 0.925 to 1.0 per criterion (docs/accuracy.md); a floor well under it
    for criterion, row in rows.items():
        assert row.n == 40 and row.metrics["agreement"] >= 0.85, (criterion, row.metrics)
