"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from callqa.core import metrics as m

TRUTH = ["a", "a", "b", "b"]
PRED = ["a", "b", "b", "b"]


def test_accuracy_macro_f1_and_uar_match_hand_computed_values() -> None:
    assert m.accuracy(TRUTH, PRED) == pytest.approx(0.75)
    # a: P 1, R 1/2, F1 2/3; b: P 2/3, R 1, F1 4/5
    assert m.macro_f1(TRUTH, PRED) == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert m.uar(TRUTH, PRED) == pytest.approx(0.75)
    assert m.f1_for(TRUTH, PRED, "a") == pytest.approx(2 / 3)


def test_macro_f1_counts_a_requested_class_that_never_occurs_as_zero() -> None:
    assert m.macro_f1(TRUTH, PRED, ("a", "b", "c")) == pytest.approx((2 / 3 + 4 / 5) / 3)
    assert m.uar(TRUTH, PRED, ("a", "b", "c")) == pytest.approx(
        0.75
    )  # recall of an absent class is undefined


def test_cohen_kappa() -> None:
    # confusion [[1, 1], [0, 2]]: observed 3/4, chance (2·1 + 2·3)/16 = 1/2 → (0.75 − 0.5)/(1 − 0.5)
    assert m.cohen_kappa(TRUTH, PRED) == pytest.approx(0.5)
    assert m.cohen_kappa([0, 1, 2], [0, 1, 2]) == pytest.approx(1.0)
    assert math.isnan(m.cohen_kappa(["a", "a"], ["a", "a"]))


def test_rankdata_averages_ties() -> None:
    assert list(m.rankdata([10, 20, 20, 5])) == [2.0, 3.5, 3.5, 1.0]


def test_spearman_with_ties() -> None:
    # ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]: cov 4.5, var 4.5 and 5
    assert m.spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / math.sqrt(4.5 * 5))
    assert m.spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    assert math.isnan(m.spearman([1, 1, 1], [1, 2, 3]))


def test_roc_auc_counts_ties_as_half() -> None:
    # positives 0.9, 0.5 vs negatives 0.5, 0.1 → (1 + 1 + 0.5 + 1) / 4
    assert m.roc_auc([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1]) == pytest.approx(0.875)
    assert m.roc_auc([True, False], [0.1, 0.9]) == pytest.approx(0.0)
    assert math.isnan(m.roc_auc([1, 1], [0.2, 0.3]))


def test_mismatched_lengths_are_errors() -> None:
    with pytest.raises(ValueError):
        m.accuracy(["a"], ["a", "b"])
    with pytest.raises(ValueError):
        m.roc_auc([1, 0], [0.5])


def test_clustering_agreement_against_worked_values() -> None:
    # the textbook example: truth [0,0,1,1], found [0,0,1,2]
    assert m.adjusted_rand([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714, abs=1e-9)
    assert m.nmi([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.8, abs=1e-9)
    assert m.adjusted_rand(["a", "a", "b"], [5, 5, 7]) == 1.0  # same partition, other names
    assert m.nmi(["a", "a", "b"], [5, 5, 7]) == pytest.approx(1.0)
    assert m.adjusted_rand([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)  # worse than chance
    assert m.nmi([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0, abs=1e-12)
