"""Random small rounds checked against every possible assignment: what the solver returns keeps every hard
constraint and is the best by the documented objective; when it refuses, no assignment would do."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.problem import Agent, Allocation, Bid, Demand, Problem, Rules, Shift
from callqa.shifts.round import Round, build, covered, weights
from shifts_support import at

SKILLS = ("loans", "cards")
DAYS = {"B1": date(2027, 1, 4), "B2": date(2027, 1, 5)}


@st.composite
def rounds(draw: st.DrawFn) -> Problem:
    blocks = draw(st.sampled_from((("B1",), ("B1", "B2"))))
    shifts = []
    for block in blocks:
        for n in range(draw(st.integers(1, 3))):
            start = draw(st.integers(6, 14))
            shifts.append(
                Shift(
                    f"{block}-s{n}",
                    block,
                    ((at(start, DAYS[block]), at(start + draw(st.integers(4, 8)), DAYS[block])),),
                    draw(st.none() | st.integers(0, 2)),
                    draw(st.sampled_from((frozenset(), frozenset(), frozenset({"loans"})))),
                )
            )
    agents = tuple(
        Agent(
            f"zed{i}",
            draw(st.none() | st.dates(date(2000, 1, 1), date(2026, 1, 1))),
            frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
            draw(st.none() | st.just(frozenset(blocks[:1]))),
            draw(st.integers(0, 2)),
        )
        for i in range(draw(st.integers(1, 4)))
    )
    demands = []
    for _ in range(draw(st.integers(0, 3))):
        block = draw(st.sampled_from(blocks))
        start = draw(st.integers(6, 20))
        demands.append(
            Demand(
                at(start, DAYS[block]),
                at(start + 1, DAYS[block]),
                draw(st.integers(0, 2)),
                draw(st.none() | st.sampled_from(SKILLS)),
            )
        )
    bids = tuple(
        Bid(a.id, tuple(draw(st.permutations([s.id for s in shifts]))[: draw(st.integers(0, 3))]))
        for a in agents
        if draw(st.integers(0, 3))
    )
    order = tuple(draw(st.permutations(["fairness", "seniority", "skills"]))[: draw(st.integers(0, 3))])
    return Problem(tuple(shifts), tuple(demands), agents, bids, Rules(order=order, workers=1))  # type: ignore[arg-type]


def assignments(facts: Round) -> list[dict[tuple[str, str], str]]:
    """Every assignment of one allowed shift per (agent, block) that keeps seats and coverage."""
    found = []
    for pick in itertools.product(*(facts.options[seat] for seat in facts.seats)):
        chosen = dict(zip(facts.seats, pick, strict=True))
        if hard_constraints_hold(facts, chosen):
            found.append(chosen)
    return found


def hard_constraints_hold(facts: Round, chosen: dict[tuple[str, str], str]) -> bool:
    taken = Counter(chosen.values())
    if any(s.seats is not None and taken[s.id] > s.seats for s in facts.problem.shifts):
        return False
    for d in facts.problem.demands:
        on = sum(
            1
            for (a, _), s in chosen.items()
            if covered(facts.shifts[s], d.start, d.end)
            and (d.skill is None or d.skill in facts.agents[a].skills)
        )
        if on < d.headcount:
            return False
    return True


def scores(facts: Round, chosen: dict[tuple[str, str], str]) -> tuple[int, int, int]:
    """(requests met, rank points, priority-weighted points): the documented objective, compared in order."""
    k = facts.problem.rules.max_choices
    weight = weights(facts.keys)
    ranks = {seat: facts.rank(seat[0], s) for seat, s in chosen.items()}
    met = sum(1 for r in ranks.values() if r is not None)
    points = sum(k + 1 - r for r in ranks.values() if r is not None)
    weighted = sum(weight[seat] * (k + 1 - r) for seat, r in ranks.items() if r is not None)
    return met, points, weighted


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_every_allocation_keeps_the_hard_constraints_and_is_best(round_: Problem) -> None:
    from callqa.shifts.solver import allocate

    try:
        facts = build(round_)
    except CallqaError as error:
        assert error.code is ErrorCode.O102  # an agent with no shift they may take: nothing to try
        event("refused before solving")
        return
    possible = assignments(facts)
    try:
        allocation = allocate(round_)
    except CallqaError as error:
        assert error.code in (ErrorCode.O105, ErrorCode.O106)
        assert not possible
        event(f"infeasible: {error.code.name}")
        return
    chosen = {(o.agent, o.block): o.shift for o in allocation.outcomes}
    assert set(chosen) == set(facts.seats)
    assert all(s in facts.options[seat] for seat, s in chosen.items())
    assert hard_constraints_hold(facts, chosen)
    assert [line.assigned >= line.demand.headcount for line in allocation.coverage] == [True] * len(
        round_.demands
    )
    assert allocation.status == "optimal"
    assert scores(facts, chosen) == max(scores(facts, c) for c in possible)
    check_report(allocation, facts)
    event("allocated")
    event(f"requests met {allocation.requests_met:.0%}")


def check_report(allocation: Allocation, facts: Round) -> None:
    for outcome in allocation.outcomes:
        assert outcome.choice == facts.rank(outcome.agent, outcome.shift)
        others = [a for a in facts.agents if a != outcome.agent]
        assert not any(other in outcome.reason for other in others)  # never names another agent
        assert outcome.reason.endswith(".")
    bidders = [seat for seat in facts.seats if facts.choices.get(seat)]
    if bidders:
        met = sum(
            1 for o in allocation.outcomes if o.choice is not None and facts.choices.get((o.agent, o.block))
        )
        assert abs(allocation.requests_met - met / len(bidders)) < 1e-9
        assert abs(sum(allocation.granted.values()) - allocation.requests_met) < 1e-9
