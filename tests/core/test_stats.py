"""Every statistic on constructed data with a known answer (published worked examples or hand arithmetic)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from callqa.core.stats import (
    benjamini_hochberg,
    cliffs_delta,
    cohens_d,
    mann_whitney,
    mean_difference,
    pearson,
    proportion_difference,
    ranks,
    spearman,
    wilson_interval,
)

pytestmark = pytest.mark.issue(7)


def test_pearson_matches_the_worked_example_and_its_fisher_interval() -> None:
    result = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    assert result.r == pytest.approx(0.774597, abs=1e-6)  # sqrt(0.6)
    z, se = math.atanh(0.774597), 1 / math.sqrt(2)
    assert (result.low, result.high) == pytest.approx(
        (math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se)), abs=1e-3
    )
    assert pearson([1, 2, 3, 4], [2, 4, 6, 8]).r == pytest.approx(1.0)
    assert math.isnan(pearson([1, 1, 1, 1], [1, 2, 3, 4]).r)  # no variation: no correlation to report
    assert pearson([1, 2, None, 4, 5], [2, 4, 9, 4, 5]).n == 4  # pairs with a missing value are left out


def test_pearson_p_value_on_a_large_uncorrelated_and_a_correlated_sample() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=5000)
    assert pearson(x, rng.normal(size=5000)).p > 0.01
    assert pearson(x, x + rng.normal(size=5000)).p < 1e-100


def test_ranks_average_ties_and_spearman_matches_the_textbook_example() -> None:
    assert ranks([10, 20, 20, 30]).tolist() == [1.0, 2.5, 2.5, 4.0]
    # The classic example: IQ vs hours of TV, rho = -0.175757... (Wikipedia, "Spearman's rank correlation")
    iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
    assert spearman(iq, tv).r == pytest.approx(-29 / 165, abs=1e-6)


def test_mann_whitney_u_and_its_normal_approximation() -> None:
    u, p = mann_whitney([1, 2, 3], [4, 5, 6])
    assert u == 0
    assert p == pytest.approx(math.erfc(4 / math.sqrt(63 / 12) / math.sqrt(2)), abs=1e-9)  # z = (4.5 - 0.5)/σ
    u, _ = mann_whitney([1, 2, 2, 4], [2, 3])  # by hand: 0.5+0.5 wins... U counts a > b, ties half
    assert u == pytest.approx(sum((a > b) + 0.5 * (a == b) for a in [1, 2, 2, 4] for b in [2, 3]))


def test_effect_sizes() -> None:
    a = np.array([2, 4, 4, 4, 5, 5, 7, 9], dtype=float)
    assert cohens_d(a + 2, a) == pytest.approx(2 / a.std(ddof=1))  # same spread, mean +2
    assert cliffs_delta([5, 6, 7], [1, 2, 3]) == 1.0
    assert cliffs_delta([1, 2, 3], [1, 2, 3]) == 0.0
    assert cliffs_delta([1, 3], [2]) == 0.0  # one win, one loss


def test_wilson_interval_and_the_difference_of_two_proportions() -> None:
    assert wilson_interval(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)  # Newcombe (1998), table I
    diff = proportion_difference(56, 70, 48, 80)  # Newcombe (1998) example: 0.8 − 0.6
    assert diff.difference == pytest.approx(0.2)
    assert (diff.low, diff.high) == pytest.approx((0.0524, 0.3339), abs=1e-4)  # his method 10
    pooled = 104 / 150
    z = 0.2 / math.sqrt(pooled * (1 - pooled) * (1 / 70 + 1 / 80))
    assert diff.p == pytest.approx(math.erfc(z / math.sqrt(2)))


def test_benjamini_hochberg_by_hand() -> None:
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert benjamini_hochberg([0.5, float("nan")])[0] == 0.5 and math.isnan(
        benjamini_hochberg([0.5, float("nan")])[1]
    )


def test_mean_difference_with_welch_interval() -> None:
    # a: mean 5, variance 2.5 (n 5); b: mean 3, variance 2/3 (n 4): SE = sqrt(2.5/5 + (2/3)/4) = sqrt(2/3)
    result = mean_difference([3, 4, 5, 6, 7], [2, 3, 3, 4])
    assert result.difference == pytest.approx(2.0)
    assert result.low == pytest.approx(2 - 1.959964 * math.sqrt(2 / 3), abs=1e-6)
    assert result.high == pytest.approx(2 + 1.959964 * math.sqrt(2 / 3), abs=1e-6)
    assert math.isnan(mean_difference([1], [2, 3]).difference)
