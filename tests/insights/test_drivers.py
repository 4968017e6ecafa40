"""Root-cause ranking on constructed data whose causes are known."""

from __future__ import annotations

import random

import pytest

from callqa.insights.drivers import rank_drivers

pytestmark = pytest.mark.issue(7)


def centre(seed: int = 7, n: int = 6000) -> list[dict[str, object]]:
    """Low scores 15 % of the time, 45 % at 9 o'clock and 35 % in queue "loans"; weekday does nothing."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        hour = rng.randrange(8, 18)
        queue = rng.choice(["cards", "payments", "loans", "general"])
        weekday = rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri"])
        chance = 0.45 if hour == 9 else 0.35 if queue == "loans" else 0.15
        rows.append({"hour": hour, "queue": queue, "weekday": weekday, "low_score": rng.random() < chance})
    return rows


def test_the_planted_causes_come_first_and_noise_does_not_come_at_all() -> None:
    drivers = rank_drivers(centre(), "low_score", ["hour", "queue", "weekday"])
    top = {(d.dimension, d.value) for d in drivers[:2]}
    assert top == {("hour", "9"), ("queue", "loans")}
    assert not [d for d in drivers if d.dimension == "weekday"]  # no weekday effect was planted
    nine = next(d for d in drivers if (d.dimension, d.value) == ("hour", "9"))
    assert nine.rate == pytest.approx(0.45, abs=0.05) and nine.lift > 2 and nine.low > 0 and nine.q < 1e-6
    assert nine.finding("Low score").startswith("Low score is 2.")
    assert "when hour is 9" in nine.finding("Low score")


def test_groups_with_fewer_outcomes_are_found_too_and_small_groups_are_skipped() -> None:
    rows = centre()
    rows += [{"hour": 23, "queue": "vip", "weekday": "Sun", "low_score": True} for _ in range(5)]
    drivers = rank_drivers(rows, "low_score", ["hour", "queue"])
    assert ("queue", "vip") not in {(d.dimension, d.value) for d in drivers}  # 5 interactions: too few
    others = [d for d in drivers if d.dimension == "queue" and d.value != "loans"]
    assert others and all(d.lift < 1 and d.high < 0 for d in others)  # less common outside loans
    assert "less common" in others[0].finding("Low score")


def test_missing_values_form_their_own_group() -> None:
    rows = [
        {"tenure": None if i % 4 == 0 else "1y+", "repeat": i % 4 == 0 or i % 10 == 1} for i in range(400)
    ]
    drivers = rank_drivers(rows, "repeat", ["tenure"])
    assert drivers[0].value == "unknown" and drivers[0].rate == 1.0
