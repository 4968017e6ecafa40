"""The CP-SAT model of a round: one Boolean per shift an agent may take and the hard constraints (one shift
per block, seats, coverage), optionally relaxed with slack to tell why a round cannot be solved."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from callqa.shifts.round import Pair, Round


@dataclass
class Model:
    model: cp_model.CpModel
    x: dict[Pair, cp_model.IntVar]
    over: dict[str, cp_model.IntVar] = field(default_factory=dict)  # relaxed: seats exceeded per shift
    gaps: dict[int, cp_model.IntVar] = field(default_factory=dict)  # relaxed: headcount short per demand


def max_score(facts: Round) -> int:
    """K + 1: a choice of rank r scores K + 1 − r."""
    return facts.problem.rules.max_choices + 1


def build_model(facts: Round, *, slack: bool = False) -> Model:
    """The hard constraints; with ``slack``, seats and demands may fall short by an integer the caller
    minimises (the relaxed model that tells why a round is infeasible)."""
    model = cp_model.CpModel()
    x = {
        (agent, shift): model.new_bool_var(f"x[{agent},{shift}]")
        for (agent, block) in facts.seats
        for shift in facts.options[(agent, block)]
    }
    for agent, block in facts.seats:
        model.add_exactly_one(x[(agent, s)] for s in facts.options[(agent, block)])
    takers: dict[str, list[str]] = {s: [] for s in facts.shifts}
    for agent, shift_id in x:
        takers[shift_id].append(agent)
    built = Model(model, x)
    for offered in facts.problem.shifts:
        seats, able = offered.seats, takers[offered.id]
        if seats is not None and len(able) > seats:
            taken = cp_model.LinearExpr.sum([x[(a, offered.id)] for a in able])
            if slack:
                built.over[offered.id] = model.new_int_var(0, len(able), f"over[{offered.id}]")
                model.add(taken <= seats + built.over[offered.id])
            else:
                model.add(taken <= seats)
    counted = _counters(facts, model, x, takers)
    for index, (demand, shifts) in enumerate(zip(facts.problem.demands, facts.covers, strict=True)):
        if demand.headcount <= 0:
            continue
        total = cp_model.LinearExpr.sum([counted[(s, demand.skill)] for s in shifts])
        if slack:
            built.gaps[index] = model.new_int_var(0, demand.headcount, f"gap[{index}]")
            model.add(total + built.gaps[index] >= demand.headcount)
        else:
            model.add(total >= demand.headcount)
    if slack:  # a seat too few is worse than every demand short: seats are fixed, coverage is the question
        heavy = sum(d.headcount for d in facts.problem.demands) + 1
        over = cp_model.LinearExpr.sum(list(built.over.values()))
        model.minimize(heavy * over + cp_model.LinearExpr.sum(list(built.gaps.values())))
    return built


def _counters(
    facts: Round, model: cp_model.CpModel, x: dict[Pair, cp_model.IntVar], takers: dict[str, list[str]]
) -> dict[tuple[str, str | None], cp_model.IntVar]:
    """(shift, skill or None) → how many agents on the shift hold the skill, one variable per pair used, so
    each demand's constraint sums a few counts instead of every agent."""
    counted: dict[tuple[str, str | None], cp_model.IntVar] = {}
    for demand, shifts in zip(facts.problem.demands, facts.covers, strict=True):
        for shift in shifts:
            key = (shift, demand.skill)
            if key in counted:
                continue
            agents = [a for a in takers[shift] if facts.counts_for(a, demand)]
            count = model.new_int_var(0, len(agents), f"n[{shift},{demand.skill}]")
            model.add(count == cp_model.LinearExpr.sum([x[(a, shift)] for a in agents]))
            counted[key] = count
    return counted


def solve(model: cp_model.CpModel, facts: Round, seconds: float) -> tuple[cp_model.CpSolver, int]:
    """Run CP-SAT within the time and threads the rules give, with a fixed seed."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = facts.problem.rules.workers
    solver.parameters.random_seed = 0
    # Probing costs more than it saves on these assignment-like models (500 agents: 29 s → 14 s to optimal).
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model)
    return solver, int(status)


def hint(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Start the next solve from the last answer: every variable hinted (a partial hint leaves CP-SAT to
    complete it, which took 12 s of a week of 500 agents; a full one is a first solution at once)."""
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))
