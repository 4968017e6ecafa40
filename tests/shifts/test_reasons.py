"""Each outcome's sentence: the same phrase in English and in the reader's language, storable as JSON."""

from __future__ import annotations

import pytest

from callqa.core.i18n import translations
from callqa.shifts.problem import Allocation
from callqa.shifts.reasons import from_json, render, to_json
from callqa.shifts.solver import allocate
from shifts_support import agent, problem, shift


@pytest.fixture(scope="module")
def contested() -> Allocation:
    # One early seat, three bidders: ana (senior) gets it; ben and cy (missed before) take the day shift.
    return allocate(
        problem(
            [shift("early", 6, 14, seats=1), shift("day", 9, 17)],
            [agent("ana", 2010), agent("ben", 2012), agent("cy", 2014, missed=2)],
            {"ana": ("early", "day"), "ben": ("early", "day"), "cy": ("early", "day")},
            order=("seniority", "fairness"),
        )
    )


def test_the_reason_counts_who_was_ahead_without_naming_them(contested: Allocation) -> None:
    cy = next(o for o in contested.outcomes if o.agent == "cy")
    assert cy.reason == (
        "You got your choice no. 2, Day: your first choice, Early, was full (seats: 1, bids: 3) "
        "and went to 1 agent with more seniority."
    )
    assert "ana" not in cy.reason


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "zh",
            "您获得了第 2 志愿 Day：您的第一志愿 Early 已满（名额：1，投标：3），分给了 1 名资历更深的坐席。",
        ),
        (
            "lt",
            "Gavote savo pasirinkimą nr. 2, Day: jūsų pirmasis pasirinkimas, Early, buvo užimtas "
            "(vietų: 1, pasiūlymų: 3) ir atiteko: 1 agentui, turinčiam didesnį stažą.",
        ),
        (
            "fa",
            "انتخاب شمارهٔ 2 خود، Day، را گرفتید: اولین انتخاب شما، Early، پر بود (ظرفیت: 1، پیشنهادها: 3) "
            "و به این افراد رسید: ۱ کارشناس با سابقهٔ بیشتر.",
        ),
    ],
)
def test_the_reason_reads_in_the_agents_language(contested: Allocation, code: str, expected: str) -> None:
    cy = next(o for o in contested.outcomes if o.agent == "cy")
    assert cy.why is not None
    assert render(cy.why, translations(code).gettext) == expected


def test_a_phrase_stored_as_json_reads_the_same(contested: Allocation) -> None:
    for outcome in contested.outcomes:
        assert outcome.why is not None
        stored = from_json(to_json(outcome.why))
        assert stored == outcome.why
        assert render(stored) == outcome.reason


def test_every_outcome_has_a_reason(contested: Allocation) -> None:
    firsts = [o.reason.startswith("You got your first choice") for o in contested.outcomes]
    assert firsts == [True, False, False]
