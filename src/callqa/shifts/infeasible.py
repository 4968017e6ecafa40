"""Why a round has no allocation: the same model with slack on seats and on every demand, solved for the least
shortfall, names the blocks that cannot seat their agents and the intervals that cannot be covered."""

from __future__ import annotations

from ortools.sat.python import cp_model

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.model import build_model, solve
from callqa.shifts.problem import Demand
from callqa.shifts.round import Round

LISTED = 10  # short intervals named in the message; the rest are counted


def explain_infeasible(facts: Round) -> CallqaError:
    """The error telling what a round lacks: seats first (the agents of a block must all be placed), then the
    demands short in the least-short allocation, each with the most any allocation could give it alone."""
    built = build_model(facts, slack=True)
    solver, status = solve(built.model, facts, facts.problem.rules.time_limit_s)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CallqaError(ErrorCode.O107, seconds=f"{solver.wall_time:.1f}")
    over = {shift: solver.value(var) for shift, var in built.over.items() if solver.value(var)}
    if over:
        block = facts.shifts[next(iter(over))].block
        full = {s: n for s, n in over.items() if facts.shifts[s].block == block}
        agents = sum(1 for _, b in facts.seats if b == block)
        reason = (
            f"{agents} agents work it and each needs a shift they may take; "
            f"{sum(full.values())} more seat(s) needed, e.g. on {', '.join(sorted(full))}"
        )
        return CallqaError(ErrorCode.O106, block=block, reason=reason)
    lines = [
        shortfall(facts, index, solver.value(gap)) for index, gap in built.gaps.items() if solver.value(gap)
    ]
    more = f"; and {len(lines) - LISTED} more interval(s)" if len(lines) > LISTED else ""
    return CallqaError(ErrorCode.O105, short="; ".join(lines[:LISTED]) + more)


def interval(demand: Demand) -> str:
    """E.g. 'Sat 2027-01-09 08:00–12:00, skill loans'."""
    same_day = demand.end.date() == demand.start.date()
    end = f"{demand.end:%H:%M}" if same_day else f"{demand.end:%Y-%m-%d %H:%M}"
    skill = f", skill {demand.skill}" if demand.skill else ""
    return f"{demand.start:%a %Y-%m-%d %H:%M}–{end}{skill}"


def shortfall(facts: Round, index: int, gap: int) -> str:
    """One short demand: what it needs and what the allocation can give it."""
    demand = facts.problem.demands[index]
    able = reachable(facts, index)
    if not facts.covers[index]:
        given = "no shift of the round works all of it"
    elif able < demand.headcount:
        given = f"at most {able} can be covered by the agents who work that block"
    else:
        given = f"at most {demand.headcount - gap} together with the other intervals"
    return f"{interval(demand)}: {demand.headcount} needed, {given}"


def reachable(facts: Round, index: int) -> int:
    """How many agents could cover the demand at all: they hold its skill and may take a covering shift."""
    demand = facts.problem.demands[index]
    covering = set(facts.covers[index])
    return sum(
        1
        for seat, options in facts.options.items()
        if facts.counts_for(seat[0], demand) and covering.intersection(options)
    )
