"""A round that cannot be solved as asked is refused with a coded error naming the record and the cause."""

from __future__ import annotations

from dataclasses import replace

import pytest

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.problem import Agent, Bid, Problem, Rules, Shift
from callqa.shifts.validate import Notice, validate
from shifts_support import agent, at, demand, problem, shift


def base() -> Problem:
    return problem(
        [shift("early", 6, 14, seats=2), shift("loans", 9, 17, skills=frozenset({"loans"}))],
        [agent("ana", 2015, skills="loans"), agent("ben", 2016)],
        {"ana": ("loans", "early"), "ben": ("early",)},
        [demand(9, 11, 1)],
    )


def refused(round_: Problem) -> CallqaError:
    with pytest.raises(CallqaError) as caught:
        validate(round_)
    return caught.value


def test_a_sound_round_passes() -> None:
    assert validate(base()) == ()


@pytest.mark.parametrize(
    ("bad", "code", "message"),
    [
        (
            Shift("late", "W1", ((at(22), at(14)),)),
            ErrorCode.O100,
            "[O100] shift 'late': span 1 starts at 2027-01-04 22:00, not before its end 14:00",
        ),
        (Shift("late", "W1", ()), ErrorCode.O100, "[O100] shift 'late': it has no working span"),
        (
            Shift("late", "W1", ((at(14), at(22)),), seats=-1),
            ErrorCode.O100,
            "[O100] shift 'late': -1 seats, fewer than none",
        ),
        (
            Shift("early", "W1", ((at(14), at(22)),)),
            ErrorCode.O100,
            "[O100] shift 'early': the id is used by another shift",
        ),
    ],
)
def test_bad_shifts(bad: Shift, code: ErrorCode, message: str) -> None:
    round_ = base()
    error = refused(replace(round_, shifts=(*round_.shifts, bad)))
    assert error.code is code
    assert str(error) == message


def test_bad_demands() -> None:
    round_ = base()
    error = refused(replace(round_, demands=(demand(9, 11, 1), demand(12, 10, 1, "loans"))))
    assert (
        str(error)
        == "[O101] demand #2 (2027-01-04 12:00–10:00, skill loans): it does not start before it ends"
    )
    error = refused(replace(round_, demands=(demand(9, 11, -2),)))
    assert str(error) == "[O101] demand #1 (2027-01-04 09:00–11:00): headcount -2, fewer than none"


def test_bad_agents() -> None:
    round_ = base()
    error = refused(replace(round_, agents=(*round_.agents, agent("ana"))))
    assert str(error) == "[O102] agent 'ana': the id is used by another agent"
    error = refused(replace(round_, agents=(Agent("dee", blocks=frozenset({"W9"})),)))
    assert str(error) == "[O102] agent 'dee': works block W9, which has no shift; blocks: W1"
    only_loans = replace(round_, shifts=(round_.shifts[1],), bids=())
    error = refused(only_loans)
    assert error.code is ErrorCode.O102
    assert str(error) == (
        "[O102] agent 'ben': works block W1, but holds the skills of none of its shifts "
        "(holds: none; the shifts need: loans)"
    )


@pytest.mark.parametrize(
    ("bid", "message"),
    [
        (Bid("zoe", ("early",)), "[O103] bid by 'zoe': no such agent in this round"),
        (Bid("ben", ("early",)), "[O103] bid by 'ben': the agent has another bid"),
        (Bid("cy", ("early", "nights")), "[O103] bid by 'cy': choice 2: no shift 'nights'"),
        (Bid("cy", ("early", "early")), "[O103] bid by 'cy': choice 2: shift 'early' is ranked twice"),
    ],
)
def test_bad_bids(bid: Bid, message: str) -> None:
    round_ = base()
    round_ = replace(round_, agents=(*round_.agents, agent("cy")), bids=(*round_.bids, bid))
    error = refused(round_)
    assert error.code is ErrorCode.O103
    assert str(error) == message


def test_too_many_choices_in_a_block() -> None:
    round_ = base()
    shifts = tuple(shift(f"s{i}", 6, 14) for i in range(6))
    round_ = replace(
        round_,
        shifts=(*round_.shifts, *shifts),
        bids=(Bid("ben", tuple(s.id for s in shifts)),),
    )
    assert str(refused(round_)) == "[O103] bid by 'ben': 6 choices in block W1; at most 5"


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            Rules(order=("seniority", "seniority")),
            "[O104] allocation rules: rule 'seniority' is named 2 times",
        ),
        (
            Rules(order=("luck",)),  # type: ignore[arg-type]
            "[O104] allocation rules: unknown rule 'luck'; known: fairness, seniority, skills",
        ),
        (Rules(max_choices=0), "[O104] allocation rules: max_choices is 0; allow at least 1"),
        (Rules(time_limit_s=0), "[O104] allocation rules: time_limit_s is 0; give it some time"),
        (Rules(workers=0), "[O104] allocation rules: workers is 0; at least 1 thread"),
    ],
)
def test_bad_rules(rules: Rules, message: str) -> None:
    assert str(refused(replace(base(), rules=rules))) == message


def test_choices_that_can_never_be_granted_are_warnings() -> None:
    round_ = base()
    other_block = shift("w2", 6, 14, block="W2")
    ben = Agent("ben", skills=frozenset(), blocks=frozenset({"W1"}))
    round_ = replace(
        round_,
        shifts=(*round_.shifts, other_block),
        agents=(round_.agents[0], ben),
        bids=(Bid("ana", ("loans", "w2")), Bid("ben", ("loans", "early", "w2"))),
    )
    assert validate(round_) == (
        Notice("bid by 'ben'", "shift 'loans' needs skills they do not hold: loans"),
        Notice("bid by 'ben'", "shift 'w2' is in block W2, which they do not work"),
    )
