"""Fairness across rounds: who missed their first choice in a round counts one more ``missed_before`` in the
next, so the fairness rule puts them ahead next time."""

from __future__ import annotations

from dataclasses import replace

from callqa.shifts.problem import Agent, Allocation, Problem


def missed_first_choice(problem: Problem, allocation: Allocation) -> frozenset[str]:
    """The agents who did not get their first choice in at least one block they ranked shifts in."""
    block = {s.id: s.block for s in problem.shifts}
    ranked = {(b.agent, block[c]) for b in problem.bids for c in b.choices if c in block}
    return frozenset(o.agent for o in allocation.outcomes if (o.agent, o.block) in ranked and o.choice != 1)


def carry_forward(problem: Problem, allocation: Allocation) -> tuple[Agent, ...]:
    """The round's agents for the next round: one more missed round for each who missed a first choice."""
    missed = missed_first_choice(problem, allocation)
    return tuple(
        replace(agent, missed_before=agent.missed_before + 1) if agent.id in missed else agent
        for agent in problem.agents
    )
