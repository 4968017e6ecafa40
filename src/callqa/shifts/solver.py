"""Allocate shifts with the CP-SAT solver: coverage and seats are hard, choices are granted in two stages.

The model: a Boolean ``x[agent, shift]`` for every shift an agent may take (they work its block and hold its
skills); exactly one per (agent, block); at most ``seats`` agents per shift; for every demand, at least
``headcount`` agents holding its skill (any agent when it names none) on shifts covering its interval.

Stage 1 maximises the choices granted: each granted choice of rank r scores ``M + K + 1 − r`` (K =
``rules.max_choices``, M larger than every rank difference put together), so the solver first meets as many
requests as it can, then prefers better ranks (a first choice is worth K, a K-th choice 1). Stage 2 keeps
stage 1's score and maximises ``Σ weight(agent) × (K + 1 − r)``, the weight being the agent's place in the
round's rules order (``callqa.shifts.round``): when two agents could trade the shifts they get without
granting fewer or worse choices overall, the one ahead by the rules gets the better of the two.
"""

from __future__ import annotations

import time
from collections import Counter

from ortools.sat.python import cp_model

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.infeasible import explain_infeasible
from callqa.shifts.model import Model, build_model, hint, max_score, solve
from callqa.shifts.problem import Allocation, CoverageLine, Outcome, Problem
from callqa.shifts.reasons import explain, render
from callqa.shifts.round import Pair, Round, build, weights

STAGE_ONE_SHARE = 0.6  # of the time limit; stage 2 gets the rest (it starts from stage 1's answer)


def allocate(problem: Problem) -> Allocation:
    """The allocation of every agent to one shift per block they work, with the reason for each outcome."""
    started = time.perf_counter()
    facts = build(problem)
    built = build_model(facts)
    limit = problem.rules.time_limit_s
    most = max_score(facts)
    preference = {p: most - rank for p, rank in facts.ranks.items()}  # K + 1 − r
    bonus = (problem.rules.max_choices - 1) * len(facts.seats) + 1
    granted = sum((bonus + v) * built.x[p] for p, v in preference.items())
    built.model.maximize(granted)
    solver, status = solve(built.model, facts, limit * STAGE_ONE_SHARE)
    if status == cp_model.INFEASIBLE:
        raise explain_infeasible(facts)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise CallqaError(ErrorCode.O107, seconds=f"{time.perf_counter() - started:.1f}")
    chosen = _chosen(solver, built)
    optimal = status == cp_model.OPTIMAL
    best = round(solver.objective_value)
    # Kept equal when proven optimal: the same set of answers as ≥, but far easier for CP-SAT (a week of 500
    # agents: stage 2 in 5 s instead of 36 s); ≥ when only feasible, so stage 2 may still improve it.
    built.model.add(granted == best if optimal else granted >= best)
    hint(built.model, solver)
    weight = weights(facts.keys)
    built.model.maximize(
        sum(weight[(a, facts.shifts[s].block)] * v * built.x[(a, s)] for (a, s), v in preference.items())
    )
    remaining = max(limit - (time.perf_counter() - started), 0.5)
    solver, status = solve(built.model, facts, remaining)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = _chosen(solver, built)
    optimal = optimal and status == cp_model.OPTIMAL
    return _allocation(facts, chosen, optimal, time.perf_counter() - started)


def _chosen(solver: cp_model.CpSolver, built: Model) -> set[Pair]:
    return {pair for pair, var in built.x.items() if solver.boolean_value(var)}


def _allocation(facts: Round, chosen: set[Pair], optimal: bool, seconds: float) -> Allocation:
    placed = {(a, facts.shifts[s].block): s for a, s in chosen}
    reasons = explain(facts, placed, optimal=optimal)
    outcomes = []
    for seat in facts.seats:
        phrase = reasons[seat]
        outcomes.append(
            Outcome(
                agent=seat[0],
                block=seat[1],
                shift=placed[seat],
                choice=facts.rank(seat[0], placed[seat]),
                reason=render(phrase),
                why=phrase,
            )
        )
    coverage = tuple(
        CoverageLine(d, sum(1 for a, s in chosen if s in shifts and facts.counts_for(a, d)))
        for d, shifts in zip(facts.problem.demands, facts.covers, strict=True)
    )
    bidders = [seat for seat in facts.seats if facts.choices.get(seat)]
    got = Counter(o.choice for o in outcomes if facts.choices.get((o.agent, o.block)))
    deepest = max((len(facts.choices[seat]) for seat in bidders), default=0)
    share = {rank: got[rank] / len(bidders) for rank in range(1, deepest + 1)}
    return Allocation(
        outcomes=tuple(outcomes),
        coverage=coverage,
        status="optimal" if optimal else "feasible",
        seconds=round(seconds, 3),
        granted=share,
        requests_met=sum(share.values()) if bidders else 1.0,  # no request: none unmet
        warnings=tuple(str(n) for n in facts.notices),
    )
