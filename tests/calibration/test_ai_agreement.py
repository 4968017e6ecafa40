"""The AI's agreement with people, counted from constructed labels with known answers."""

from __future__ import annotations

import pytest

from callqa.calibration.ai_agreement import Example, measure

pytestmark = pytest.mark.issue(17)


def _x(
    ai: str, human: str, *, criterion: str = "empathy", language: str = "en", month: str = "2026-10"
) -> Example:
    return Example(1, "x", "standard", 1, criterion, "Empathy", language, "voice", month, ai, human, "review")


def test_agreement_kappa_and_fail_precision_recall_from_the_confusion_counts() -> None:
    # AI fail / human fail 8, AI fail / human pass 2, AI pass / human fail 4, AI pass / human pass 26
    labels = [
        *[_x("fail", "fail")] * 8,
        *[_x("fail", "pass")] * 2,
        *[_x("pass", "fail")] * 4,
        *[_x("pass", "pass", month="2026-11")] * 26,
    ]
    [row] = measure(labels, ["criterion"])
    assert (row.n, row.agreed) == (40, 34)
    assert row.rate == pytest.approx(0.85)
    # kappa by hand: po 0.85; pe = (12·10 + 28·30) / 1600 = 0.6; (0.85 − 0.6) / 0.4 = 0.625
    assert row.kappa == pytest.approx(0.625)
    assert row.fail_precision == pytest.approx(0.8) and row.fail_recall == pytest.approx(8 / 12)
    assert row.confusion["fail"] == {"pass": 2, "fail": 8, "n/a": 0}
    assert row.low < 0.85 < row.high and row.high - row.low < 0.25
    assert row.by_month == {"2026-10": (14, 8), "2026-11": (26, 26)}
    assert not row.below(0.8) and row.below(0.97)  # the floor alarms only when the whole interval is under it


def test_groups_lowest_first_and_undefined_kappa() -> None:
    labels = [
        *[_x("pass", "pass", criterion="thanks")] * 5,  # one outcome on both sides: kappa undefined
        _x("fail", "pass", language="lt"),
        _x("pass", "pass", language="lt"),
        _x("pass", "pass"),
    ]
    rows = measure(labels, ["criterion", "language"])
    # the lowest agreement first; at equal agreement, the group with more labels
    assert [(r.key["criterion"], r.key["language"]) for r in rows] == [
        ("empathy", "lt"),
        ("thanks", "en"),
        ("empathy", "en"),
    ]
    assert rows[1].kappa is None and rows[1].rate == 1.0
    with pytest.raises(ValueError, match="agent"):
        measure(labels, ["agent"])
