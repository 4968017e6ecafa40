"""Sharing slots fairly (callqa.review.slots): splits checked by hand."""

from __future__ import annotations

import pytest

from callqa.review.slots import deal, share_slots, split


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (10, [1, 1, 1], [4, 3, 3]),  # 3.33 each: floors 3/3/3, the one left to the earliest tie
        (10, [50, 30, 20], [5, 3, 2]),  # exact
        (10, [45, 45, 10], [5, 4, 1]),  # 4.5 / 4.5 / 1: one slot left, the earlier .5 gets it
        (7, [60, 25, 15], [4, 2, 1]),  # 4.2 / 1.75 / 1.05: floors 4/1/1, the largest remainder (.75) +1
        (2, [1, 1, 1], [1, 1, 0]),
        (0, [1, 2], [0, 0]),
        (5, [0, 0], [0, 0]),
    ],
)
def test_largest_remainder(total: int, weights: list[float], expected: list[int]) -> None:
    assert split(total, weights) == expected
    assert sum(expected) == (total if any(weights) else 0)


def test_quota_10_three_strategies_with_plenty_is_4_3_3() -> None:
    ranked = [list(range(100, 120)), list(range(200, 220)), list(range(300, 320))]
    picked = share_slots(10, [1, 1, 1], ranked)
    assert [len(p) for p in picked] == [4, 3, 3]
    assert picked[0] == [100, 101, 102, 103]  # best first


def test_a_strategy_with_one_candidate_gives_its_spare_slots_to_the_others() -> None:
    ranked = [[1], list(range(200, 220)), list(range(300, 320))]
    # round 1: 4/3/3, the first takes 1; round 2: the 3 spare slots split 2/1 between the others
    assert [len(p) for p in share_slots(10, [1, 1, 1], ranked)] == [1, 5, 4]
    # by shares: 50/30/20 → 5/3/2; the first has 1 → 4 spare split 30:20 → 2.4/1.6 → 2/2 (remainder .6)
    assert [len(p) for p in share_slots(10, [50, 30, 20], ranked)] == [1, 5, 4]


def test_overlapping_candidates_are_picked_once_and_shortage_cascades() -> None:
    ranked = [[1, 2, 3], [1, 2, 3, 4], [3, 4, 5, 6, 7, 8]]
    picked = share_slots(9, [1, 1, 1], ranked)
    flat = [i for p in picked for i in p]
    assert len(flat) == len(set(flat)) == 8  # only 8 distinct candidates exist: all taken, no repeat
    assert picked[0] == [1, 2, 3] and picked[1] == [4]
    assert sorted(picked[2]) == [5, 6, 7, 8]


def test_caps_limit_a_strategy_and_free_its_slots() -> None:
    ranked = [list(range(10)), list(range(100, 110))]
    assert [len(p) for p in share_slots(8, [1, 1], ranked, [2, None])] == [2, 6]


def test_zero_share_takes_nothing() -> None:
    assert share_slots(4, [100, 0], [[1, 2], [3, 4]]) == [[1, 2], []]


def test_deal_round_robin_gives_each_analyst_a_mix_and_respects_quotas() -> None:
    picked = [[1, 2, 3, 4], [11, 12, 13], [21, 22, 23]]
    order = [(s, i) for s, ids in enumerate(picked) for i in ids]
    owners = deal(len(order), [5, 5])
    assert owners == [0, 1] * 5  # the turn carries on from one strategy to the next
    mine = {who: [order[n][0] for n, o in enumerate(owners) if o == who] for who in (0, 1)}
    assert mine == {0: [0, 0, 1, 1, 2], 1: [0, 0, 1, 2, 2]}  # both analysts get every strategy
    # two strategies, two analysts: a plain alternation would give one analyst only the first strategy
    assert deal(6, [3, 3]) == [0, 1, 0, 1, 0, 1]
    assert deal(5, [1, 3]) == [0, 1, 1, 1, -1]  # the first is full after one; none left for the fifth


def test_the_same_input_gives_the_same_split() -> None:
    ranked = [[5, 3, 9], [3, 8, 1, 7], [2, 4]]
    assert share_slots(6, [40, 40, 20], ranked) == share_slots(6, [40, 40, 20], ranked)
