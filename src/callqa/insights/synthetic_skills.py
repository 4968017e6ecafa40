"""Skills planted in the synthetic centre: each agent is truly better at a few contact reasons and worse at
one, so skill profiles and routing recommendations have something true to find.

For each agent, drawn from its own generator (seeded by the centre's seed, so the rest of the centre is
drawn as before), ``STRONG_PER_AGENT`` reasons are strengths and ``WEAK_PER_AGENT`` one a weakness:

* a strength: every criterion fails ``STRONG.fail`` times as often (less), the customer's mood (and so
  CSAT) is ``STRONG.mood`` higher, and the contact takes ``STRONG.handle`` times as long (shorter);
* a weakness: criteria fail ``WEAK.fail`` times as often, the mood is lower and the contact longer.

:func:`planted_skills` gives the truth for tests and benchmarks; :func:`effect` what the generator (and the
routing simulation, which replays contacts through the same model) applies to one agent and reason.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

REASONS = (
    "card_lost_stolen",
    "card_blocked_pin",
    "card_abroad",
    "limits",
    "payment_transfer",
    "refund_dispute",
    "fees_charges",
    "loan_mortgage",
    "unrecognised_payment",
    "online_banking_access",
    "service_complaint",
)
STRONG_PER_AGENT = 2
WEAK_PER_AGENT = 1


@dataclass(frozen=True)
class SkillEffect:
    fail: float = 1.0  # × each criterion's chance to fail
    mood: float = 0.0  # + the customer's mood behind CSAT (about one CSAT point per 1.5)
    handle: float = 1.0  # × the handle time


NEUTRAL = SkillEffect()
STRONG = SkillEffect(fail=0.4, mood=0.8, handle=0.85)
WEAK = SkillEffect(fail=1.8, mood=-0.8, handle=1.15)


@dataclass(frozen=True)
class PlantedSkill:
    strong: frozenset[str]
    weak: frozenset[str]


def agent_names(count: int) -> list[str]:
    """The synthetic centre's agents: agent-0000, agent-0001, ..."""
    return [f"agent-{a:04d}" for a in range(count)]


def planted_skills(agents: Iterable[str], seed: int) -> dict[str, PlantedSkill]:
    """Each agent's planted strengths and weakness (the same agents and seed give the same skills)."""
    out = {}
    for agent in agents:
        rng = random.Random(f"skills-{seed}-{agent}")
        picked = rng.sample(REASONS, STRONG_PER_AGENT + WEAK_PER_AGENT)
        out[agent] = PlantedSkill(frozenset(picked[:STRONG_PER_AGENT]), frozenset(picked[STRONG_PER_AGENT:]))
    return out


def effect(planted: dict[str, PlantedSkill], agent: str, reason: str | None) -> SkillEffect:
    """What ``agent``'s skill does to a contact of ``reason``."""
    skill = planted.get(agent)
    if skill is None or reason is None:
        return NEUTRAL
    if reason in skill.strong:
        return STRONG
    return WEAK if reason in skill.weak else NEUTRAL


def strong_agents(planted: dict[str, PlantedSkill]) -> dict[str, set[str]]:
    """Per reason, the agents planted strong at it."""
    out: dict[str, set[str]] = {reason: set() for reason in REASONS}
    for agent, skill in planted.items():
        for reason in skill.strong:
            out[reason].add(agent)
    return out
