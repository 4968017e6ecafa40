"""The facts of a round the solver and the reasons both read: who may take which shift, the rank of each
choice within its block, which shifts cover which demand, and how far each agent is ahead by the rules."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from callqa.shifts.problem import Agent, Demand, Problem, Rule, Shift
from callqa.shifts.validate import Notice, may_take, validate, works

Pair = tuple[str, str]  # (agent id, shift id)
Seat = tuple[str, str]  # (agent id, block): one shift each
Key = tuple[float, ...]  # priority: larger is ahead; one value per rule of rules.order, then the draw


@dataclass(frozen=True)
class Round:
    problem: Problem
    notices: tuple[Notice, ...]
    blocks: tuple[str, ...]
    shifts: dict[str, Shift]
    agents: dict[str, Agent]
    seats: tuple[Seat, ...]  # every (agent, block) the agent works, in the problem's order
    options: dict[Seat, tuple[str, ...]]  # the shifts the agent may take in the block
    choices: dict[Seat, tuple[str, ...]]  # the shifts they ranked in the block, first choice first
    ranks: dict[Pair, int]  # a choice they may take → its rank in its block (1 = first)
    covers: tuple[tuple[str, ...], ...]  # per demand (problem order): the shifts whose spans cover it
    keys: dict[Seat, Key]

    def rank(self, agent: str, shift: str) -> int | None:
        return self.ranks.get((agent, shift))

    def counts_for(self, agent: str, demand: Demand) -> bool:
        """Whether an agent working a covering shift counts for the demand (holds its skill)."""
        return demand.skill is None or demand.skill in self.agents[agent].skills


def build(problem: Problem) -> Round:
    """Validate the problem and gather its facts."""
    notices = validate(problem)
    shifts = {s.id: s for s in problem.shifts}
    agents = {a.id: a for a in problem.agents}
    blocks = tuple(dict.fromkeys(s.block for s in problem.shifts))
    seats = tuple((a.id, b) for a in problem.agents for b in works(a, blocks))
    options: dict[Seat, list[str]] = defaultdict(list)
    for agent_id, block in seats:
        agent = agents[agent_id]
        options[(agent_id, block)] = [s.id for s in problem.shifts if s.block == block and may_take(agent, s)]
    choices: dict[Seat, list[str]] = defaultdict(list)
    ranks: dict[Pair, int] = {}
    for bid in problem.bids:
        for choice in bid.choices:
            shift = shifts[choice]
            ranked = choices[(bid.agent, shift.block)]
            ranked.append(choice)
            if may_take(agents[bid.agent], shift):
                ranks[(bid.agent, choice)] = len(ranked)
    covers = tuple(tuple(s.id for s in problem.shifts if covered(s, d.start, d.end)) for d in problem.demands)
    facts = Round(
        problem=problem,
        notices=notices,
        blocks=blocks,
        shifts=shifts,
        agents=agents,
        seats=seats,
        options={k: tuple(v) for k, v in options.items()},
        choices={k: tuple(v) for k, v in choices.items()},
        ranks=ranks,
        covers=covers,
        keys={},
    )
    facts.keys.update(priority_keys(facts))
    return facts


def covered(shift: Shift, start: datetime, end: datetime) -> bool:
    """Whether the shift works all of [start, end): its spans, joined where they touch, contain it."""
    at = start
    for span_start, span_end in sorted(shift.spans):
        if span_start <= at < span_end:
            at = span_end
            if at >= end:
                return True
    return False


def scarcity(facts: Round) -> dict[tuple[str, str], float]:
    """(skill, block) → headcount-hours its demands ask of the block, per agent of the block holding it."""
    need: dict[tuple[str, str], float] = defaultdict(float)
    for demand, shifts in zip(facts.problem.demands, facts.covers, strict=True):
        if demand.skill is None:
            continue
        hours = (demand.end - demand.start).total_seconds() / 3600
        for block in dict.fromkeys(facts.shifts[s].block for s in shifts):
            need[(demand.skill, block)] += demand.headcount * hours
    holders: dict[tuple[str, str], int] = defaultdict(int)
    for agent_id, block in facts.seats:
        for skill in facts.agents[agent_id].skills:
            holders[(skill, block)] += 1
    return {k: round(v / holders[k], 6) for k, v in need.items() if holders[k]}


def priority_keys(facts: Round) -> dict[Seat, Key]:
    """Each (agent, block)'s key under the round's rules, strongest rule first, the fixed draw last."""
    scarce = scarcity(facts)
    keys: dict[Seat, Key] = {}
    for agent_id, block in facts.seats:
        agent = facts.agents[agent_id]
        values = [_value(rule, agent, block, scarce) for rule in facts.problem.rules.order]
        keys[(agent_id, block)] = (*values, draw(agent_id, block))
    return keys


def _value(rule: Rule, agent: Agent, block: str, scarce: dict[tuple[str, str], float]) -> float:
    if rule == "fairness":
        return float(agent.missed_before)
    if rule == "seniority":  # earlier hired is ahead; no date is behind everyone
        return float(-agent.hired.toordinal()) if agent.hired else float("-inf")
    return max((scarce.get((skill, block), 0.0) for skill in agent.skills), default=0.0)


def draw(agent: str, block: str) -> float:
    """A fixed lottery number among agents the rules rank equal: the same every time the round is solved."""
    return float(int(hashlib.sha256(f"{block}\x00{agent}".encode()).hexdigest()[:12], 16))


def ahead_by(facts: Round, theirs: Key, mine: Key) -> Rule | str | None:
    """The rule that puts ``theirs`` ahead of ``mine`` ("draw" when only the draw does); None if behind."""
    if theirs <= mine:
        return None
    for rule, a, b in zip(facts.problem.rules.order, theirs, mine, strict=False):
        if a != b:
            return rule
    return "draw"


def weights(keys: dict[Seat, Key]) -> dict[Seat, int]:
    """Each (agent, block)'s priority weight: 1 for the last by the rules, up to the number of seats."""
    return {seat: n for n, seat in enumerate(sorted(keys, key=keys.__getitem__), start=1)}
