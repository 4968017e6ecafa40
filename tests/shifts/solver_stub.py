"""A tiny stand-in for ``callqa.shifts.solver.allocate`` (CP-SAT, another part of issue 21), for these tests
only until it lands: it answers the same interface (``Problem`` → ``Allocation``, a ``CallqaError`` when
coverage cannot be met) with a plain greedy pass — agents in the round's rule order take their best choice
with a seat left. It is no solver: only the storage, pages and flow around the solver are tested with it."""

from __future__ import annotations

from datetime import date

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.problem import Agent, Allocation, CoverageLine, Outcome, Problem, Shift


def _key(problem: Problem, agent: Agent) -> tuple[object, ...]:
    keys: list[object] = []
    for rule in problem.rules.order:
        if rule == "fairness":
            keys.append(-agent.missed_before)
        elif rule == "seniority":
            keys.append(agent.hired or date.max)
    return (*keys, agent.id)


def _covers(shift: Shift, start: object, end: object) -> bool:
    return any(a <= start and end <= b for a, b in shift.spans)  # type: ignore[operator]


def _helps(problem: Problem, need: list[int], shift: Shift, agent: Agent) -> int:
    return sum(
        1
        for n, demand in enumerate(problem.demands)
        if need[n] > 0
        and _covers(shift, demand.start, demand.end)
        and (demand.skill is None or demand.skill in agent.skills)
    )


def allocate(problem: Problem) -> Allocation:
    shifts = {s.id: s for s in problem.shifts}
    blocks = sorted({s.block for s in problem.shifts})
    bids = {b.agent: b.choices for b in problem.bids}
    left = {s.id: s.seats if s.seats is not None else 10**6 for s in problem.shifts}
    outcomes: list[Outcome] = []
    granted_rank: dict[int, int] = {}
    asked = 0
    need = [d.headcount for d in problem.demands]
    for block in blocks:
        agents = [a for a in problem.agents if a.blocks is None or block in a.blocks]
        for agent in sorted(agents, key=lambda a: _key(problem, a)):
            choices = [c for c in bids.get(agent.id, ()) if shifts[c].block == block]
            asked += 1 if choices else 0
            took = None
            for rank, code in enumerate(choices, start=1):
                if left[code] > 0 and shifts[code].skills <= agent.skills:
                    took = (code, rank)
                    break
            if took is None:  # no choice left: a shift where coverage still needs someone like them
                free = [
                    s
                    for s in problem.shifts
                    if s.block == block and left[s.id] > 0 and s.skills <= agent.skills
                ]
                code = max(free, key=lambda s: (_helps(problem, need, s, agent), s.id)).id
                reason = "None of your choices had a seat left for you." if choices else "You did not bid."
                took = (code, None)
            else:
                label = shifts[took[0]].label
                reason = (
                    f"You got your first choice, {label}."
                    if took[1] == 1
                    else f"You got choice {took[1]}, {label}."
                )
                granted_rank[took[1]] = granted_rank.get(took[1], 0) + 1
            left[took[0]] -= 1
            for n, demand in enumerate(problem.demands):
                if _covers(shifts[took[0]], demand.start, demand.end) and (
                    demand.skill is None or demand.skill in agent.skills
                ):
                    need[n] -= 1
            outcomes.append(Outcome(agent.id, block, took[0], took[1], reason))
    on = [(o.agent, o.shift) for o in outcomes]
    skills = {a.id: a.skills for a in problem.agents}
    coverage = []
    for demand in problem.demands:
        assigned = sum(
            1
            for agent, code in on
            if _covers(shifts[code], demand.start, demand.end)
            and (demand.skill is None or demand.skill in skills[agent])
        )
        if assigned < demand.headcount:
            reason = (
                f"{demand.start:%Y-%m-%d %H:%M}–{demand.end:%H:%M} needs {demand.headcount}, got {assigned}"
            )
            raise CallqaError(ErrorCode.O116, round="stand-in", reason=f"coverage short: {reason}")
        coverage.append(CoverageLine(demand, assigned))
    shares = {rank: count / asked for rank, count in granted_rank.items()} if asked else {}
    return Allocation(tuple(outcomes), tuple(coverage), "feasible", 0.001, shares, sum(shares.values()))
