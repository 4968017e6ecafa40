"""Check a shift problem before it is solved: what makes it meaningless is refused with a coded error naming
the record and the cause; what only makes a choice useless is reported as a warning and left out.

Refused (``CallqaError``, the first one found, in the order shifts, demands, agents, bids, rules):

* O100 a shift with no span, a span that does not start before it ends, negative seats, an id used twice;
* O101 a demand that does not start before it ends, a negative headcount;
* O102 an agent id used twice, an agent working a block no shift belongs to, an agent with no shift they are
  allowed to take (skills) in a block they work;
* O103 a bid by an unknown agent, a second bid by one agent, an unknown shift, a shift ranked twice, more than
  ``rules.max_choices`` choices in one block;
* O104 rules that cannot be applied: a rule named twice or unknown, no choice allowed, no time, no thread.

Warnings (the choice can never be granted; the rest of the bid counts, ranks unchanged): a choice of a shift
in a block the agent does not work, a choice of a shift needing skills the agent does not hold.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from callqa.core.errors import CallqaError, ErrorCode
from callqa.shifts.problem import RULES, Agent, Demand, Problem, Rules, Shift


@dataclass(frozen=True)
class Notice:
    record: str  # e.g. "bid by 'ana'"
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.message}"


def validate(problem: Problem) -> tuple[Notice, ...]:
    """Refuse a problem that cannot be solved as asked; the warnings for choices that can never be granted."""
    shifts = _check_shifts(problem.shifts)
    for index, demand in enumerate(problem.demands, start=1):
        _check_demand(index, demand)
    agents = _check_agents(problem.agents, shifts)
    _check_rules(problem.rules)
    return tuple(_check_bids(problem, agents, shifts))


def demand_name(index: int, demand: Demand) -> str:
    """How a demand is named in messages: its position and what it asks."""
    skill = f", skill {demand.skill}" if demand.skill else ""
    return f"#{index} ({demand.start:%Y-%m-%d %H:%M}–{demand.end:%H:%M}{skill})"


def works(agent: Agent, blocks: Iterable[str]) -> tuple[str, ...]:
    """The blocks an agent works, in the round's order."""
    return tuple(b for b in blocks if agent.blocks is None or b in agent.blocks)


def may_take(agent: Agent, shift: Shift) -> bool:
    """Whether the agent may work the shift: they work its block and hold all its skills."""
    return (agent.blocks is None or shift.block in agent.blocks) and shift.skills <= agent.skills


def _check_shifts(shifts: tuple[Shift, ...]) -> dict[str, Shift]:
    known: dict[str, Shift] = {}
    for shift in shifts:
        if shift.id in known:
            raise CallqaError(ErrorCode.O100, shift=shift.id, reason="the id is used by another shift")
        if not shift.spans:
            raise CallqaError(ErrorCode.O100, shift=shift.id, reason="it has no working span")
        for number, (start, end) in enumerate(shift.spans, start=1):
            if start >= end:
                reason = f"span {number} starts at {start:%Y-%m-%d %H:%M}, not before its end {end:%H:%M}"
                raise CallqaError(ErrorCode.O100, shift=shift.id, reason=reason)
        if shift.seats is not None and shift.seats < 0:
            raise CallqaError(ErrorCode.O100, shift=shift.id, reason=f"{shift.seats} seats, fewer than none")
        known[shift.id] = shift
    return known


def _check_demand(index: int, demand: Demand) -> None:
    if demand.start >= demand.end:
        raise CallqaError(
            ErrorCode.O101, demand=demand_name(index, demand), reason="it does not start before it ends"
        )
    if demand.headcount < 0:
        reason = f"headcount {demand.headcount}, fewer than none"
        raise CallqaError(ErrorCode.O101, demand=demand_name(index, demand), reason=reason)


def _check_agents(agents: tuple[Agent, ...], shifts: dict[str, Shift]) -> dict[str, Agent]:
    blocks = tuple(dict.fromkeys(s.block for s in shifts.values()))
    offered: dict[str, list[Shift]] = defaultdict(list)
    for shift in shifts.values():
        offered[shift.block].append(shift)
    known: dict[str, Agent] = {}
    for agent in agents:
        if agent.id in known:
            raise CallqaError(ErrorCode.O102, agent=agent.id, reason="the id is used by another agent")
        unknown = sorted((agent.blocks or frozenset()) - set(blocks))
        if unknown:
            reason = f"works block {unknown[0]}, which has no shift; blocks: {', '.join(blocks) or 'none'}"
            raise CallqaError(ErrorCode.O102, agent=agent.id, reason=reason)
        for block in works(agent, blocks):
            if not any(may_take(agent, s) for s in offered[block]):
                needed = sorted({", ".join(sorted(s.skills)) or "none" for s in offered[block]})
                held = ", ".join(sorted(agent.skills)) or "none"
                reason = (
                    f"works block {block}, but holds the skills of none of its shifts "
                    f"(holds: {held}; the shifts need: {'; '.join(needed)})"
                )
                raise CallqaError(ErrorCode.O102, agent=agent.id, reason=reason)
        known[agent.id] = agent
    return known


def _check_rules(rules: Rules) -> None:
    for rule, count in Counter(rules.order).items():
        if rule not in RULES:
            raise CallqaError(ErrorCode.O104, reason=f"unknown rule '{rule}'; known: {', '.join(RULES)}")
        if count > 1:
            raise CallqaError(ErrorCode.O104, reason=f"rule '{rule}' is named {count} times")
    if rules.max_choices < 1:
        raise CallqaError(ErrorCode.O104, reason=f"max_choices is {rules.max_choices}; allow at least 1")
    if rules.time_limit_s <= 0:
        raise CallqaError(ErrorCode.O104, reason=f"time_limit_s is {rules.time_limit_s}; give it some time")
    if rules.workers < 1:
        raise CallqaError(ErrorCode.O104, reason=f"workers is {rules.workers}; at least 1 thread")


def _check_bids(problem: Problem, agents: dict[str, Agent], shifts: dict[str, Shift]) -> list[Notice]:
    warnings: list[Notice] = []
    seen: set[str] = set()
    for bid in problem.bids:
        agent = agents.get(bid.agent)
        if agent is None:
            raise CallqaError(ErrorCode.O103, agent=bid.agent, reason="no such agent in this round")
        if bid.agent in seen:
            raise CallqaError(ErrorCode.O103, agent=bid.agent, reason="the agent has another bid")
        seen.add(bid.agent)
        per_block: Counter[str] = Counter()
        for number, choice in enumerate(bid.choices, start=1):
            shift = shifts.get(choice)
            if shift is None:
                reason = f"choice {number}: no shift '{choice}'"
                raise CallqaError(ErrorCode.O103, agent=bid.agent, reason=reason)
            if choice in bid.choices[: number - 1]:
                reason = f"choice {number}: shift '{choice}' is ranked twice"
                raise CallqaError(ErrorCode.O103, agent=bid.agent, reason=reason)
            per_block[shift.block] += 1
            record = f"bid by '{bid.agent}'"
            if agent.blocks is not None and shift.block not in agent.blocks:
                message = f"shift '{choice}' is in block {shift.block}, which they do not work"
                warnings.append(Notice(record, message))
            elif not shift.skills <= agent.skills:
                missing = ", ".join(sorted(shift.skills - agent.skills))
                warnings.append(Notice(record, f"shift '{choice}' needs skills they do not hold: {missing}"))
        for block, count in per_block.items():
            if count > problem.rules.max_choices:
                reason = f"{count} choices in block {block}; at most {problem.rules.max_choices}"
                raise CallqaError(ErrorCode.O103, agent=bid.agent, reason=reason)
    return warnings
