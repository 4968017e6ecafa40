"""Small rounds whose optimum is worked out by hand: each test writes the expected assignment and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.fairness import carry_forward, missed_first_choice
from callqa.shifts.problem import Allocation
from callqa.shifts.solver import allocate
from shifts_support import agent, demand, problem, shift

SATURDAY = date(2027, 1, 9)


def placed(allocation: Allocation) -> dict[str, str]:
    return {o.agent: o.shift for o in allocation.outcomes}


def reason(allocation: Allocation, who: str) -> str:
    return next(o.reason for o in allocation.outcomes if o.agent == who)


def test_uncontested_first_choices_are_all_granted() -> None:
    # Three shifts with room, three agents wanting different ones: every first choice is granted.
    round_ = problem(
        [shift("early", 6, 14, seats=1), shift("day", 9, 17, seats=1), shift("late", 14, 22)],
        [agent("ana", 2015), agent("ben", 2016), agent("cy", 2017)],
        {"ana": ("early", "day"), "ben": ("day",), "cy": ("late", "early")},
    )
    allocation = allocate(round_)
    assert placed(allocation) == {"ana": "early", "ben": "day", "cy": "late"}
    assert [o.choice for o in allocation.outcomes] == [1, 1, 1]
    assert allocation.status == "optimal"
    assert allocation.granted == {1: 1.0, 2: 0.0}
    assert allocation.requests_met == 1.0
    assert reason(allocation, "ana") == "You got your first choice, Early."


def contest(order: tuple[str, ...]) -> Allocation:
    """One early seat wanted first by ana (senior, hired 2015) and ben (hired 2020, missed his first choice in
    one earlier round); both rank the day shift (no seat limit) second. Any allocation grants one first and
    one second choice, so stage 1 ties and the rules alone pick who gets the early seat."""
    return allocate(
        problem(
            [shift("early", 6, 14, seats=1), shift("day", 9, 17)],
            [agent("ana", 2015), agent("ben", 2020, missed=1)],
            {"ana": ("early", "day"), "ben": ("early", "day")},
            order=order,  # type: ignore[arg-type]
        )
    )


def test_seniority_decides_a_contested_seat() -> None:
    allocation = contest(("seniority",))
    assert placed(allocation) == {"ana": "early", "ben": "day"}
    assert reason(allocation, "ben") == (
        "You got your choice no. 2, Day: your first choice, Early, was full (seats: 1, bids: 2) "
        "and went to 1 agent with more seniority."
    )


def test_fairness_decides_a_contested_seat() -> None:
    allocation = contest(("fairness",))
    assert placed(allocation) == {"ana": "day", "ben": "early"}
    assert reason(allocation, "ana") == (
        "You got your choice no. 2, Day: your first choice, Early, was full (seats: 1, bids: 2) "
        "and went to 1 agent who missed their first choice in more earlier rounds."
    )


def test_when_the_rules_conflict_the_one_named_first_wins() -> None:
    # ana is ahead by seniority, ben by fairness: the order of the rules decides.
    assert placed(contest(("fairness", "seniority")))["ben"] == "early"
    assert placed(contest(("seniority", "fairness")))["ana"] == "early"


def test_with_no_rule_the_fixed_draw_decides_the_same_way_every_time() -> None:
    first, again = contest(()), contest(())
    assert placed(first) == placed(again)
    loser = next(o for o in first.outcomes if o.shift == "day")
    assert "1 agent the rules rank equal to you, ahead by the round's fixed draw" in loser.reason


def test_skills_rule_puts_holders_of_a_scarce_skill_ahead() -> None:
    # Loans are needed 10–12 and only ana holds the skill: her skills are the scarce ones. ben is senior.
    # Both get a shift covering 10–12 whoever wins, so the coverage holds either way; the rule decides.
    def run(order: tuple[str, ...]) -> dict[str, str]:
        return placed(
            allocate(
                problem(
                    [shift("early", 6, 14, seats=1), shift("day", 9, 17)],
                    [agent("ana", 2020, skills="loans"), agent("ben", 2010)],
                    {"ana": ("early", "day"), "ben": ("early", "day")},
                    [demand(10, 12, 1, "loans")],
                    order=order,  # type: ignore[arg-type]
                )
            )
        )

    assert run(("skills", "seniority")) == {"ana": "early", "ben": "day"}
    assert run(("seniority", "skills")) == {"ana": "day", "ben": "early"}


def test_coverage_places_an_agent_outside_their_choices_and_says_so() -> None:
    # Someone must work 18–20 and both want only the early shift: the junior one (ben) goes late —
    # one request is met either way, and seniority gives it to ana.
    allocation = allocate(
        problem(
            [shift("early", 6, 14), shift("late", 14, 22)],
            [agent("ana", 2015), agent("ben", 2020)],
            {"ana": ("early",), "ben": ("early",)},
            [demand(18, 20, 1)],
        )
    )
    assert placed(allocation) == {"ana": "early", "ben": "late"}
    ben = next(o for o in allocation.outcomes if o.agent == "ben")
    assert ben.choice is None
    assert ben.reason == (
        "You work Late, none of your choices, because coverage of 2027-01-04 18:00–20:00 needed you there."
    )
    assert allocation.requests_met == 0.5
    assert [(line.demand.headcount, line.assigned) for line in allocation.coverage] == [(1, 1)]


def test_meeting_more_requests_comes_before_the_rules() -> None:
    # ana (senior) ranks early then day; cy (junior) ranks only early; each has one seat. Giving early to
    # ana leaves cy on the late shift (1 request met); giving it to cy and day to ana meets both (2).
    allocation = allocate(
        problem(
            [shift("early", 6, 14, seats=1), shift("day", 9, 17, seats=1), shift("late", 14, 22)],
            [agent("ana", 2015), agent("cy", 2022)],
            {"ana": ("early", "day"), "cy": ("early",)},
        )
    )
    assert placed(allocation) == {"ana": "day", "cy": "early"}
    assert allocation.granted == {1: 0.5, 2: 0.5}
    assert allocation.requests_met == 1.0
    assert reason(allocation, "ana").endswith(
        "went to 1 agent ranked after you, as giving it to you would have met fewer or worse choices in all."
    )


def test_better_ranks_come_before_the_rules() -> None:
    # Seats: early 1, day 1. ana ranks early, day; ben ranks day, early; cy ranks early. Two requests at most
    # are met (two seats). {ana early, ben day} and {cy early, ben day} grant two first choices (10 points);
    # {cy early, ana day} grants a first and a second (9). Between the two ties, seniority picks cy (2010).
    allocation = allocate(
        problem(
            [shift("early", 6, 14, seats=1), shift("day", 9, 17, seats=1), shift("late", 14, 22)],
            [agent("ana", 2015), agent("ben", 2020), agent("cy", 2010)],
            {"ana": ("early", "day"), "ben": ("day", "early"), "cy": ("early",)},
        )
    )
    assert placed(allocation) == {"ana": "late", "ben": "day", "cy": "early"}
    assert reason(allocation, "ana") == (
        "You work Late, none of your choices: your first choice, Early, was full (seats: 1, bids: 3) "
        "and went to 1 agent with more seniority."
    )


def test_first_choice_with_free_seats_missed_because_coverage_holds_the_agent() -> None:
    # Only ana holds loans and loans are needed 08–10, which only the early shift covers.
    allocation = allocate(
        problem(
            [shift("early", 6, 14), shift("late", 14, 22)],
            [agent("ana", 2015, skills="loans"), agent("ben", 2016)],
            {"ana": ("late", "early"), "ben": ("late",)},
            [demand(8, 10, 1, "loans")],
        )
    )
    assert placed(allocation) == {"ana": "early", "ben": "late"}
    assert reason(allocation, "ana") == (
        "You got your choice no. 2, Early: your first choice, Late, had free seats, but coverage of "
        "2027-01-04 08:00–10:00 (skill loans) needed you on Early."
    )


def test_a_choice_needing_skills_the_agent_lacks_is_a_warning_and_explained() -> None:
    allocation = allocate(
        problem(
            [shift("loans", 8, 16, skills=frozenset({"loans"})), shift("day", 9, 17)],
            [agent("ana", 2015), agent("ben", 2016, skills="loans")],
            {"ana": ("loans", "day")},
        )
    )
    assert placed(allocation)["ana"] == "day"
    assert allocation.warnings == ("bid by 'ana': shift 'loans' needs skills they do not hold: loans",)
    assert reason(allocation, "ana") == (
        "You got your choice no. 2, Day: your first choice, Loans, needs skills you do not hold (loans)."
    )
    assert reason(allocation, "ben").startswith("You did not bid for this block; you work ")


def test_blocks_are_allocated_one_shift_each_and_ranks_count_within_a_block() -> None:
    monday, tuesday = date(2027, 1, 4), date(2027, 1, 5)
    allocation = allocate(
        problem(
            [
                shift("mon-early", 6, 14, day=monday, block="MON", seats=1),
                shift("mon-late", 14, 22, day=monday, block="MON"),
                shift("tue-early", 6, 14, day=tuesday, block="TUE"),
                shift("tue-late", 14, 22, day=tuesday, block="TUE"),
            ],
            [agent("ana", 2015), agent("ben", 2016)],
            {"ana": ("mon-early", "tue-late"), "ben": ("mon-early", "mon-late", "tue-early")},
        )
    )
    got = {(o.agent, o.block): (o.shift, o.choice) for o in allocation.outcomes}
    assert got == {
        ("ana", "MON"): ("mon-early", 1),
        ("ana", "TUE"): ("tue-late", 1),
        ("ben", "MON"): ("mon-late", 2),
        ("ben", "TUE"): ("tue-early", 1),
    }
    assert allocation.granted == {1: 0.75, 2: 0.25}


def test_infeasible_coverage_names_the_interval_the_skill_and_the_numbers() -> None:
    round_ = problem(
        [shift("sat-day", 8, 16, day=SATURDAY), shift("sat-late", 14, 22, day=SATURDAY)],
        [agent("ana", 2015, skills="loans"), agent("ben", 2016), agent("cy", 2017)],
        {"ana": ("sat-day",)},
        [demand(8, 12, 3, "loans", day=SATURDAY), demand(18, 20, 1, day=SATURDAY)],
    )
    with pytest.raises(CallqaError) as caught:
        allocate(round_)
    assert caught.value.code is ErrorCode.O105
    assert str(caught.value) == (
        "[O105] coverage cannot be met: Sat 2027-01-09 08:00–12:00, skill loans: 3 needed, "
        "at most 1 can be covered by the agents who work that block"
    )


def test_infeasible_together_says_so() -> None:
    # One agent cannot work both 08–10 and 20–22: each alone is coverable, not both.
    round_ = problem(
        [shift("early", 6, 14), shift("late", 14, 22)],
        [agent("ana", 2015)],
        {},
        [demand(8, 10, 1), demand(20, 22, 1)],
    )
    with pytest.raises(CallqaError) as caught:
        allocate(round_)
    assert caught.value.code is ErrorCode.O105
    assert "1 needed, at most 0 together with the other intervals" in str(caught.value)


def test_too_few_seats_for_the_agents_of_a_block() -> None:
    round_ = problem(
        [shift("early", 6, 14, seats=1), shift("late", 14, 22, seats=1)],
        [agent("ana"), agent("ben"), agent("cy")],
        {},
    )
    with pytest.raises(CallqaError) as caught:
        allocate(round_)
    assert caught.value.code is ErrorCode.O106
    assert str(caught.value).startswith(
        "[O106] block W1: the agents who work it cannot all be seated: 3 agents work it and each needs "
        "a shift they may take; 1 more seat(s) needed"
    )


def test_same_problem_same_answer() -> None:
    round_ = problem(
        [shift(f"s{i}", 6 + i, 14 + i, seats=2) for i in range(5)],
        [agent(f"a{i}", 2010 + i % 3) for i in range(9)],
        {f"a{i}": (f"s{i % 3}", f"s{(i + 1) % 5}") for i in range(9)},
        [demand(12, 14, 6)],
    )
    assert allocate(round_).outcomes == allocate(round_).outcomes


def test_a_long_shortfall_names_ten_intervals_and_counts_the_rest() -> None:
    # One agent, twelve hours each needing two: every hour is short, by one.
    round_ = problem(
        [shift("long", 6, 22)],
        [agent("ana")],
        {},
        [demand(hour, hour + 1, 2) for hour in range(6, 18)],
    )
    with pytest.raises(CallqaError) as caught:
        allocate(round_)
    message = str(caught.value)
    assert message.count("2 needed, at most 1 can be covered by the agents who work that block") == 10
    assert message.endswith("; and 2 more interval(s)")
    assert message.startswith("[O105] coverage cannot be met: Mon 2027-01-04 06:00–07:00: 2 needed")


def test_no_answer_within_the_time_limit_is_a_coded_error() -> None:
    # 60 agents, 12 shifts, 16 hourly demands: solved (optimal) in about 0.1 s, never in a millisecond.
    round_ = problem(
        [shift(f"s{i}", 4 + i, 12 + i, seats=8) for i in range(12)],
        [agent(f"a{i}", 2000 + i % 20) for i in range(60)],
        {f"a{i}": tuple(f"s{(i + k) % 12}" for k in range(3)) for i in range(60)},
        [demand(hour, hour + 1, 12) for hour in range(6, 22)],
    )
    round_ = replace(round_, rules=replace(round_.rules, time_limit_s=0.001))
    with pytest.raises(CallqaError) as caught:
        allocate(round_)
    assert caught.value.code is ErrorCode.O107
    assert "allow it more time (rules.time_limit_s)" in str(caught.value)


def test_who_missed_their_first_choice_is_ahead_by_fairness_next_round() -> None:
    # Round 1: seniority gives ana the one early seat; ben misses his first choice. Round 2, fairness first:
    # ben's missed round puts him ahead of ana for the same seat. cy bid nothing and is never counted.
    shifts = [shift("early", 6, 14, seats=1), shift("day", 9, 17)]
    bids = {"ana": ("early", "day"), "ben": ("early", "day")}
    first = problem(shifts, [agent("ana", 2015), agent("ben", 2020), agent("cy")], bids, order=("seniority",))
    allocation = allocate(first)
    assert placed(allocation)["ana"] == "early"
    assert missed_first_choice(first, allocation) == {"ben"}
    agents = carry_forward(first, allocation)
    assert [a.missed_before for a in agents] == [0, 1, 0]
    second = replace(first, agents=agents, rules=replace(first.rules, order=("fairness", "seniority")))
    assert placed(allocate(second))["ben"] == "early"


def test_an_interval_no_shift_works_is_named() -> None:
    round_ = problem([shift("early", 6, 14)], [agent("ana")], {}, [demand(13, 15, 1)])
    with pytest.raises(CallqaError) as caught:
        allocate(round_)
    assert str(caught.value) == (
        "[O105] coverage cannot be met: Mon 2027-01-04 13:00–15:00: 1 needed, "
        "no shift of the round works all of it"
    )
