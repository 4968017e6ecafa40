"""The customer's dissatisfaction over an interaction: negative turns add up, positive ones count half."""

from __future__ import annotations

import pytest
from tests.analysis.analysis_support import make

from callqa.analysis.defaults import build_pipeline
from callqa.analysis.sentiment import POSITIVE_WEIGHT, dissatisfaction


def test_negative_turns_add_up_and_positive_ones_count_half() -> None:
    assert dissatisfaction([-0.8, -0.6, 0.0]) == pytest.approx(1.4)
    assert dissatisfaction([-0.8, 0.4]) == pytest.approx(0.8 - POSITIVE_WEIGHT * 0.4)
    assert dissatisfaction([0.5, 0.5]) == pytest.approx(-0.5)
    assert dissatisfaction([]) == 0.0


def test_two_complaints_weigh_more_than_one() -> None:
    """The reason it ranks dissatisfied dialogues better than the mean: a long unhappy chat is worse than a
    short one, although both have the same mean."""
    assert dissatisfaction([-0.6, -0.6, -0.6]) > dissatisfaction([-0.6])


def test_the_analysis_stores_it_with_the_customer_sentiment() -> None:
    angry = make(
        [
            ("agent", "Good morning, Acme Bank, how can I help?", 0),
            ("customer", "This is the third time I call, nobody fixed my card and I am furious.", 3),
            ("agent", "I am sorry, let me check.", 9),
            ("customer", "This is terrible service, I want to close my account.", 12),
        ]
    )
    calm = make(
        [
            ("agent", "Good morning, Acme Bank, how can I help?", 0),
            ("customer", "Thank you, that was very helpful, have a great day.", 3),
        ]
    )
    pipeline = build_pipeline()
    angry_json = pipeline.run(angry).get("sentiment").as_json()
    calm_json = pipeline.run(calm).get("sentiment").as_json()
    # both customer turns are clearly negative (measured -0.87 and -0.83): about 1.7, asserted > 0.8
    assert angry_json["customer"]["dissatisfaction"] > 0.8
    assert calm_json["customer"]["dissatisfaction"] < 0
    assert set(angry_json["agent"]) == {"overall", "start", "middle", "end"}
