"""What a shift allocation is asked and what it answers: plain values, no database, no solver.

A bidding **round** offers shifts grouped in **blocks** (e.g. one block per week): every agent who works a
block gets exactly one shift of it. A shift is a set of working spans (e.g. Monday to Friday, 08:00–16:00)
with a number of seats and the skills an agent needs to take it. **Demands** are the headcount an interval
needs, per skill or in total: they are hard constraints. Agents bid by ranking shifts; the allocation grants
as many choices as coverage allows, and when more agents want a shift than it has seats, the round's rules
decide (``Rules.order``). Every outcome carries the sentence that tells the agent why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Rule = Literal["fairness", "seniority", "skills"]
RULES: tuple[Rule, ...] = ("fairness", "seniority", "skills")


@dataclass(frozen=True)
class Shift:
    id: str
    block: str  # an agent works one shift per block (e.g. "2027-W01")
    spans: tuple[tuple[datetime, datetime], ...]  # working time, each span start < end, in the centre's zone
    seats: int | None = None  # most agents it takes (None: as many as coverage and bids make it)
    skills: frozenset[str] = frozenset()  # an agent needs all of them to take it
    label: str = ""  # what agents read, e.g. "Mon–Fri 08:00–16:00"


@dataclass(frozen=True)
class Demand:
    """At least ``headcount`` agents working all of [start, end), holding ``skill`` (None: any agent)."""

    start: datetime
    end: datetime
    headcount: int
    skill: str | None = None


@dataclass(frozen=True)
class Agent:
    id: str  # the user name
    hired: date | None = None  # seniority: the earlier, the more senior (None: the least senior)
    skills: frozenset[str] = frozenset()
    blocks: frozenset[str] | None = None  # the blocks they work (None: every block of the round)
    missed_before: int = 0  # earlier rounds in which they missed their first choice (fairness)


@dataclass(frozen=True)
class Bid:
    agent: str
    choices: tuple[str, ...]  # shift ids, most wanted first; the rank counts within each block


@dataclass(frozen=True)
class Rules:
    # how contested seats are decided, strongest first; a rule left out plays no part
    order: tuple[Rule, ...] = ("fairness", "seniority", "skills")
    max_choices: int = 5  # choices ranked per block; more are refused
    time_limit_s: float = 60.0
    workers: int = 2  # solver threads


@dataclass(frozen=True)
class Problem:
    shifts: tuple[Shift, ...]
    demands: tuple[Demand, ...]
    agents: tuple[Agent, ...]
    bids: tuple[Bid, ...]
    rules: Rules = field(default_factory=Rules)


@dataclass(frozen=True)
class Phrase:
    """A sentence kept translatable: a message id (``N_()``, with ``%(name)s`` placeholders) and its values;
    a value that is a tuple of phrases reads as their list. ``callqa.shifts.reasons.render`` writes it out."""

    message: str
    values: tuple[tuple[str, str | int | tuple[Phrase, ...]], ...] = ()


@dataclass(frozen=True)
class Outcome:
    agent: str
    block: str
    shift: str  # the shift the agent works in this block
    choice: int | None  # 1 = their first choice in the block; None: none of their choices
    reason: str  # one sentence, e.g. why the first choice went to others
    why: Phrase | None = None  # the same sentence, translatable (render it with the reader's gettext)


@dataclass(frozen=True)
class CoverageLine:
    demand: Demand
    assigned: int  # agents the allocation puts on it (≥ demand.headcount in any allocation returned)


@dataclass(frozen=True)
class Allocation:
    outcomes: tuple[Outcome, ...]
    coverage: tuple[CoverageLine, ...]
    status: Literal["optimal", "feasible"]
    seconds: float
    granted: dict[int, float]  # choice rank (1, 2, 3 …) → share of (agent, block) bids granted that choice
    requests_met: float  # share of (agent, block) bids granted one of their choices
    warnings: tuple[str, ...] = ()  # choices that could never be granted (callqa.shifts.validate)
