"""Calibration statistics on constructed data with known answers (and Krippendorff's published example)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callqa.calibration.agreement import (
    Grade,
    TotalScore,
    criterion_agreement,
    grader_alignment,
    krippendorff_alpha,
    score_spread,
    session_summary,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 observers × 12 units example
# (None: missing). Published: nominal alpha = 0.743, interval alpha = 0.849.
RELIABILITY = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def _units() -> dict[int, dict[str, int | None]]:
    return {u: {coder: values[u] for coder, values in RELIABILITY.items()} for u in range(12)}


def test_krippendorffs_published_example() -> None:
    assert krippendorff_alpha(_units()) == pytest.approx(0.743, abs=0.0005)
    assert krippendorff_alpha(_units(), level="interval") == pytest.approx(0.849, abs=0.0005)


def test_alpha_edge_cases() -> None:
    assert krippendorff_alpha({1: {"a": "pass", "b": "pass"}, 2: {"a": "fail", "b": "fail"}}) == 1.0
    assert krippendorff_alpha({1: {"a": "pass"}, 2: {"b": "fail"}}) is None  # nothing pairable
    assert krippendorff_alpha({1: {"a": "pass", "b": "pass"}}) is None  # no variation: undefined
    # two coders always disagreeing on two values: observed = expected × n/(n−1) → alpha below 0
    value = krippendorff_alpha({1: {"a": "pass", "b": "fail"}, 2: {"a": "fail", "b": "pass"}})
    assert value is not None and value < 0


@given(
    st.dictionaries(
        st.integers(0, 30),
        st.dictionaries(st.sampled_from("abcd"), st.sampled_from(["pass", "fail", "n/a"]), min_size=2),
        min_size=1,
    )
)
def test_alpha_is_at_most_one_and_ignores_grader_order(units: dict[int, dict[str, str]]) -> None:
    value = krippendorff_alpha(units)
    if value is not None:
        assert value <= 1.0 + 1e-9
        reordered = {u: dict(reversed(list(g.items()))) for u, g in units.items()}
        assert krippendorff_alpha(reordered) == pytest.approx(value)


@given(st.lists(st.sampled_from(["pass", "fail", "n/a"]), min_size=2, max_size=20))
def test_unanimous_graders_on_varied_data_reach_one(values: list[str]) -> None:
    units = {i: {"a": v, "b": v, "c": v} for i, v in enumerate(values)}
    expected = None if len(set(values)) == 1 else 1.0
    assert krippendorff_alpha(units) == expected


def _grades() -> list[Grade]:
    # interaction 1: greeting pass/pass/fail, empathy fail/fail/fail; interaction 2: greeting pass ×3,
    # empathy pass/fail/fail
    table = {
        (1, "greeting"): ("pass", "pass", "fail"),
        (1, "empathy"): ("fail", "fail", "fail"),
        (2, "greeting"): ("pass", "pass", "pass"),
        (2, "empathy"): ("pass", "fail", "fail"),
    }
    return [
        Grade(grader, interaction, criterion, outcome)
        for (interaction, criterion), outcomes in table.items()
        for grader, outcome in zip(("ai", "ann", "bob"), outcomes, strict=True)
    ]


def test_criterion_agreement_by_hand() -> None:
    result = criterion_agreement(_grades())
    greeting, empathy = result["greeting"], result["empathy"]
    # greeting: interaction 1 has 1 of 3 pairs agreeing (ai-ann), interaction 2 all 3 → pairwise (1/3+1)/2
    assert greeting.pairwise == pytest.approx((1 / 3 + 1) / 2)
    assert greeting.unanimous == 0.5 and empathy.unanimous == 0.5
    assert empathy.pairwise == pytest.approx((1 + 1 / 3) / 2)
    assert greeting.outcomes["bob"] == {"fail": 1, "pass": 1}
    assert greeting.interactions == 2 and greeting.graders == 3


def test_score_spread_by_hand() -> None:
    spread = score_spread(
        [
            TotalScore("ai", 1, 80),
            TotalScore("ann", 1, 60),
            TotalScore("bob", 1, 70),
            TotalScore("cy", 1, None),
        ]
    )[1]
    assert (spread.low, spread.high, spread.range, spread.mean, spread.graders) == (60, 80, 20, 70, 3)
    assert spread.std == pytest.approx((200 / 3) ** 0.5)


def test_alignment_with_a_benchmark_by_hand() -> None:
    totals = [
        TotalScore("ai", 1, 50),
        TotalScore("ann", 1, 50),
        TotalScore("bob", 1, 80),
        TotalScore("ai", 2, 100),
        TotalScore("ann", 2, 90),
        TotalScore("bob", 2, 100),
    ]
    alignment = grader_alignment(_grades(), totals, benchmark="ai")
    ann, bob = alignment["ann"], alignment["bob"]
    # ann differs from ai only on (2, empathy): pass → fail: agreement 3/4; strict on 1 of 2 benchmark passes
    assert ann.compared == 4 and ann.agreement == 0.75
    assert ann.leniency == pytest.approx(0 - 1 / 3)  # ai passed 3 (1g, 2g, 2e): ann failed 1 of them
    assert ann.score_bias == pytest.approx(-5.0) and ann.score_mad == pytest.approx(5.0)
    assert ann.label == "strict"
    # bob: agreement 2/4; score bias +15 → lenient by score
    assert bob.agreement == 0.5 and bob.score_bias == pytest.approx(15.0) and bob.label == "lenient"
    assert "ai" not in alignment


def test_session_summary_puts_the_hardest_criterion_first() -> None:
    summary = session_summary(_grades(), [TotalScore("ai", 1, 50), TotalScore("ann", 1, 60)], benchmark="ai")
    assert summary.hardest == ["empathy", "greeting"]  # equal pairwise: by name
    assert summary.alpha is not None and -1 <= summary.alpha <= 1
    assert set(summary.alignment) == {"ann", "bob"}
    assert summary.as_json()["hardest"] == ["empathy", "greeting"]


def test_bad_grades_name_the_record() -> None:
    with pytest.raises(
        ValueError, match="grade by 'ann' on interaction 3, criterion 'greeting': outcome 'maybe'"
    ):
        criterion_agreement([Grade("ann", 3, "greeting", "maybe")])
    with pytest.raises(ValueError, match="'ann' graded interaction 3, criterion 'greeting' twice"):
        criterion_agreement([Grade("ann", 3, "greeting", "pass"), Grade("ann", 3, "greeting", "fail")])
