"""Replay a month of the synthetic centre's contacts routed two ways and compare the outcomes.

The last ``days`` (30) of the facts are replayed; the profiles are measured on everything **before** them,
so the recommendations never see the contacts they are judged on. Each contact keeps its arrival time,
channel, queue and reason; each day the agents on shift are those who worked that day, and each may handle
at most as many contacts as they did (their usual share). Two routings:

* **as it was**: every contact to the agent who had it;
* **recommended**: in arrival order, each contact of a known reason to the available agent (capacity left
  that day) with the greatest **advantage** at the reason: the profile's composite for it less the agent's
  mean composite over all reasons, so an all-round agent is not used up on what others do as well. Contacts
  of no known reason go to the available agent with the most capacity left.

The outcome of a contact handled by an agent is drawn from the synthetic centre's own model with the planted
skills (``insights.synthetic``, ``insights.synthetic_skills``): criteria failing, CSAT (as if every customer
answered the survey), handle time, and a recontact with the probability measured in the earlier period for
scores below and from 60. Both routings draw from the same generator seeded per contact (common random
numbers), so the difference is the agents', not the noise; its 95 % interval is over the paired
per-contact differences.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from callqa.core.stats import Z95
from callqa.insights.models import InsightFactRow
from callqa.insights.synthetic import _criteria, _csat, _duration, _score
from callqa.insights.synthetic_skills import PlantedSkill, effect
from callqa.interactions.models import InteractionRow
from callqa.skills.profiles import Profiles, SkillQuery, build_profiles
from callqa.users.models import UserRow

F = InsightFactRow
LOW = 60.0  # recontact is measured apart below this score, as the synthetic centre plants it


@dataclass(frozen=True)
class Contact:
    ident: int
    day: date
    hour: int
    channel: str
    queue: str
    reason: str
    agent: str  # who had it


@dataclass(frozen=True)
class Outcome:
    score: float
    csat: float
    recontact: bool
    handle_s: float


@dataclass(frozen=True)
class Difference:
    measure: str
    before: float  # as it was
    after: float  # recommended
    low: float  # 95 % interval of after − before
    high: float
    n: int


@dataclass(frozen=True)
class Simulation:
    first: date
    last: date
    contacts: int
    moved: int  # contacts the recommendations gave to another agent
    differences: list[Difference]
    # routed the same way by the planted truth itself (strengths first, weaknesses last): the most any
    # recommendation could gain with these agents and shifts
    truth: list[Difference] = field(default_factory=list)

    def of(self, measure: str) -> Difference:
        return next(d for d in self.differences if d.measure == measure)


def _contacts(session: Session, first: date, last: date) -> list[Contact]:
    stmt = (
        select(F.interaction_id, F.day, F.hour, F.channel, F.queue, F.reason, F.agent)
        .join(InteractionRow, InteractionRow.id == F.interaction_id)
        .where(F.day >= first, F.day <= last, F.agent != "")
        .order_by(InteractionRow.started_at, InteractionRow.id)
    )
    return [Contact(*row) for row in session.execute(stmt)]


def _recontact_rates(session: Session, before: date) -> tuple[float, float]:
    """The recontact rate below and from ``LOW`` in the facts before ``before``."""
    low = F.score < LOW
    stmt = select(low, func.count(), func.sum(F.recontact.cast(Integer))).where(
        F.day < before, F.score.is_not(None)
    )
    rates = {True: 0.0, False: 0.0}
    for is_low, n, hits in session.execute(stmt.group_by(low)):
        rates[bool(is_low)] = (hits or 0) / n if n else 0.0
    return rates[True], rates[False]


class Model:
    """The synthetic centre's outcome of a contact handled by an agent (the planted truth)."""

    def __init__(
        self,
        planted: dict[str, PlantedSkill],
        hired: dict[str, date],
        recontact: tuple[float, float],
        seed: int,
    ) -> None:
        self.planted, self.hired, self.recontact, self.seed = planted, hired, recontact, seed
        self.criteria = _criteria()

    def outcome(self, contact: Contact, agent: str) -> Outcome:
        rng = random.Random(f"{self.seed}-{contact.ident}")  # the same noise whoever handles it
        skill = effect(self.planted, agent, contact.reason or None)
        hired = self.hired.get(agent)
        factor = (2.0 if contact.hour == 9 else 1.0) * skill.fail
        factor *= 1.6 if hired is not None and (contact.day - hired).days < 91 else 1.0
        outcomes = []
        for c in self.criteria:
            if c.channels and contact.channel not in c.channels:
                outcomes.append((c, "n/a"))
                continue
            loans = contact.queue == "loans" and c.id == "solution_explained"
            chance = c.fail * factor * (3.0 if loans else 1.0)
            outcomes.append((c, "fail" if rng.random() < min(chance, 0.95) else "pass"))
        score, _ = _score(outcomes)
        csat = _csat(rng, score, contact.queue, skill.mood)
        handle = _duration(rng, contact.channel, contact.hour) * (
            1.4 if contact.reason == "loan_mortgage" else 1
        )
        recontact = rng.random() < self.recontact[0 if score < LOW else 1]
        return Outcome(score, csat, recontact, handle * skill.handle / 1000)


def advantages(profiles: Profiles) -> dict[tuple[str, str], float]:
    """(agent, reason) → the agent's composite at the reason less their mean composite over reasons."""
    by_agent: dict[str, dict[str, float]] = defaultdict(dict)
    for cell in profiles.of_kind("reason"):
        by_agent[cell.agent][str(cell.reason)] = cell.composite
    out = {}
    for agent, reasons in by_agent.items():
        mean = sum(reasons.values()) / len(reasons)
        for reason, composite in reasons.items():
            out[(agent, reason)] = composite - mean
    return out


def route(contacts: list[Contact], advantage: dict[tuple[str, str], float]) -> list[str]:
    """The recommended agent of each contact (see the module's docstring)."""
    capacity: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in contacts:
        capacity[c.day][c.agent] += 1
    chosen = []
    for c in contacts:
        free = {a: left for a, left in capacity[c.day].items() if left > 0}
        if c.reason:
            best = max(free, key=lambda a: (advantage.get((a, c.reason), 0.0), free[a], a))
        else:
            best = max(free, key=lambda a: (free[a], a))
        capacity[c.day][best] -= 1
        chosen.append(best)
    return chosen


def _difference(measure: str, before: list[float], after: list[float]) -> Difference:
    n = len(before)
    if n == 0:
        return Difference(measure, math.nan, math.nan, math.nan, math.nan, 0)
    diffs = [b - a for a, b in zip(before, after, strict=True)]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else 0.0
    error = Z95 * sd / math.sqrt(n)
    return Difference(measure, sum(before) / n, sum(after) / n, mean - error, mean + error, n)


def simulate(
    session: Session,
    planted: dict[str, PlantedSkill],
    *,
    seed: int = 7,
    days: int = 30,
    progress: Callable[[str], None] | None = None,
) -> Simulation:
    """Replay the last ``days`` of the facts routed as they were and as recommended."""
    last = session.scalar(select(func.max(F.day)))
    if last is None:
        return Simulation(date.min, date.min, 0, 0, [])
    first = last - timedelta(days=days - 1)
    profiles = build_profiles(session, SkillQuery(last=first - timedelta(days=1)))
    contacts = _contacts(session, first, last)
    hired = {u: d for u, d in session.execute(select(UserRow.username, UserRow.hired_on)) if d is not None}
    model = Model(planted, hired, _recontact_rates(session, first), seed)
    if progress is not None:
        progress(f"replaying {len(contacts)} contacts from {first} to {last}")
    chosen = route(contacts, advantages(profiles))
    was = [model.outcome(c, c.agent) for c in contacts]
    now = [model.outcome(c, a) for c, a in zip(contacts, chosen, strict=True)]
    best = [
        model.outcome(c, a) for c, a in zip(contacts, route(contacts, truth_advantages(planted)), strict=True)
    ]
    quick = [i for i, c in enumerate(contacts) if c.channel != "email"]
    moved = sum(1 for c, a in zip(contacts, chosen, strict=True) if a != c.agent)
    return Simulation(
        first, last, len(contacts), moved, _differences(was, now, quick), _differences(was, best, quick)
    )


def truth_advantages(planted: dict[str, PlantedSkill]) -> dict[tuple[str, str], float]:
    """The planted truth as advantages: +1 at a strength, −1 at a weakness."""
    out = {}
    for agent, skill in planted.items():
        out.update({(agent, reason): 1.0 for reason in skill.strong})
        out.update({(agent, reason): -1.0 for reason in skill.weak})
    return out


def _differences(was: list[Outcome], now: list[Outcome], quick: list[int]) -> list[Difference]:
    return [
        _difference("qa", [o.score for o in was], [o.score for o in now]),
        _difference("csat", [o.csat for o in was], [o.csat for o in now]),
        _difference("recontact", [float(o.recontact) for o in was], [float(o.recontact) for o in now]),
        _difference("handle_s", [was[i].handle_s for i in quick], [now[i].handle_s for i in quick]),
    ]
