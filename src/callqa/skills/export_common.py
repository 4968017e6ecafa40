"""What every routing export checks and shares: a skill's kind and value, levels 1–5, the minimum level to
export, each agent's skills gathered in one place (one external id, the highest level per skill and per
queue), and the routing system's limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills.assignments import LEVELS, SkillAssignment

SKILL_KINDS = ("reason", "language", "channel")


@dataclass(frozen=True, order=True)
class Skill:
    """A routing skill split at its first colon: ``reason:card_lost`` is kind ``reason``, value
    ``card_lost``."""

    kind: str
    value: str


def parse_skill(assignment: SkillAssignment) -> Skill:
    """The assignment's skill, or O141 when it is not ``<kind>:<value>`` with a known kind."""
    kind, colon, value = assignment.skill.partition(":")
    if not colon:
        reason = "no kind before a colon"
    elif kind not in SKILL_KINDS:
        reason = f"unknown kind '{kind}'"
    elif not value.strip():
        reason = f"nothing after '{kind}:'"
    else:
        return Skill(kind, value)
    raise CallqaError(ErrorCode.O141, agent=assignment.agent, skill=assignment.skill, reason=reason)


def check_min_level(min_level: object) -> int:
    """``min_level`` when it is a level, else O143."""
    if isinstance(min_level, bool) or min_level not in LEVELS:
        raise CallqaError(ErrorCode.O143, value=min_level)
    assert isinstance(min_level, int)
    return min_level


def selected(assignments: Iterable[SkillAssignment], min_level: int) -> list[SkillAssignment]:
    """The assignments at ``min_level`` or above, once every one has been checked (level, skill name)."""
    floor = check_min_level(min_level)
    kept = []
    for a in assignments:
        if isinstance(a.level, bool) or a.level not in LEVELS:
            raise CallqaError(ErrorCode.O142, agent=a.agent, skill=a.skill, level=a.level)
        parse_skill(a)
        if a.level >= floor:
            kept.append(a)
    return kept


@dataclass
class AgentSkills:
    """One agent's exported skills: the highest level recommended per skill and per queue."""

    agent: str
    external_id: str | None = None
    levels: dict[Skill, int] = field(default_factory=dict)
    queues: dict[str, int] = field(default_factory=dict)

    def skills(self, kind: str) -> list[tuple[Skill, int]]:
        """This agent's skills of one kind with their levels, sorted by value."""
        return sorted((s, level) for s, level in self.levels.items() if s.kind == kind)


def _external_id(a: SkillAssignment) -> str | None:
    if a.external_id is None:
        return None
    return a.external_id.strip() or None  # a blank id names no one


def by_agent(assignments: Sequence[SkillAssignment]) -> list[AgentSkills]:
    """Each agent's skills, sorted by agent. A skill recommended for several queues keeps its highest level;
    an agent given two different external ids is O144, two agents given the same one O146."""
    agents: dict[str, AgentSkills] = {}
    for a in assignments:
        entry = agents.setdefault(a.agent, AgentSkills(a.agent))
        ext = _external_id(a)
        if ext is not None:
            if entry.external_id is not None and entry.external_id != ext:
                first, second = sorted((entry.external_id, ext))
                raise CallqaError(ErrorCode.O144, agent=a.agent, first=first, second=second)
            entry.external_id = ext
        skill = parse_skill(a)
        entry.levels[skill] = max(a.level, entry.levels.get(skill, 0))
        if a.queue:
            entry.queues[a.queue] = max(a.level, entry.queues.get(a.queue, 0))
    owners: dict[str, str] = {}
    for name in sorted(agents):
        ext = agents[name].external_id
        if ext is not None:
            if ext in owners:
                raise CallqaError(ErrorCode.O146, first=owners[ext], second=name, external_id=ext)
            owners[ext] = name
    return [agents[name] for name in sorted(agents)]


def unmapped(agents: Iterable[AgentSkills]) -> list[str]:
    """The agents with no id in the routing system (callqa user names, sorted): reported, never exported."""
    return sorted(a.agent for a in agents if a.external_id is None)


def distinct_values(agents: Iterable[AgentSkills], kind: str) -> list[str]:
    """Every value of one kind of skill held by any of ``agents``, sorted."""
    return sorted({s.value for a in agents for s in a.levels if s.kind == kind})


def check_limit(fmt: str, system: str, what: str, count: int, limit: int) -> None:
    """O145 when ``count`` of ``what`` is over the routing system's ``limit``."""
    if count > limit:
        raise CallqaError(ErrorCode.O145, fmt=fmt, what=what, count=count, limit=limit, system=system)
