"""Routing recommendations as one JSON document for Genesys Cloud (format ``genesys``).

Its parts follow Genesys Cloud's Platform API, field names as the API spells them, so a short script feeds
them one by one (docs/operations-exports.md; schema ``schemas/genesys.json``):

- ``skills``: bodies of ``POST /api/v2/routing/skills`` (``{"name"}``), the ACD skills to create when missing;
- ``languages``: bodies of ``POST /api/v2/routing/languages`` (``{"name"}``);
- ``users``: per Genesys user id, ``routingSkills`` and ``routingLanguages`` as ``{"name", "proficiency"}``
  — the shape of the SCIM user extension, and of ``PATCH /api/v2/users/{userId}/routingskills/bulk`` /
  ``routinglanguages/bulk`` once each name is swapped for its id (``{"id", "proficiency"}``);
- ``unmappedAgents``: callqa agents with no Genesys user id, left out of ``users``.

Skills map to names: ``reason:card_lost`` and ``channel:chat`` are ACD skills of those very names (the
prefix keeps them apart and lets them be read back), unless a Genesys skill name is stored for the contact
reason (``callqa routing ids set genesys reason card_lost "Lost cards"``): then that name (two reasons
stored as one skill give it the higher level). ``language:zh`` is the routing language ``zh``. Levels
1–5 are proficiencies 1–5 (Genesys rates 0–5; 0, a skill held without proficiency, is never sent): skills
as numbers (1.0–5.0), languages as whole numbers, which is what Genesys keeps for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_common import AgentSkills, Skill, by_agent, check_limit, distinct_values, unmapped
from callqa.skills.routing_ids import NO_IDS, SystemIds

FORMAT = "genesys"
SYSTEM = "Genesys Cloud"
SKILL_KINDS = ("channel", "reason")  # ACD skills; languages are Genesys' routing languages
MAX_LANGUAGES = 50  # PATCH /api/v2/users/{userId}/routinglanguages/bulk: "Max 50 routing languages"


def _name(skill: Skill, ids: SystemIds) -> str:
    """The ACD skill's name: the one stored for a contact reason, else the callqa skill whole."""
    stored = ids.reasons.get(skill.value) if skill.kind == "reason" else None
    return stored or f"{skill.kind}:{skill.value}"


def _skill_names(agents: Sequence[AgentSkills], ids: SystemIds) -> list[str]:
    return sorted({_name(s, ids) for a in agents for kind in SKILL_KINDS for s, _ in a.skills(kind)})


def _user(agent: AgentSkills, ids: SystemIds) -> dict[str, Any]:
    levels: dict[str, int] = {}
    for kind in SKILL_KINDS:
        for skill, level in agent.skills(kind):
            name = _name(skill, ids)  # two reasons stored as one skill: the higher level
            levels[name] = max(level, levels.get(name, 0))
    skills = sorted(levels.items())
    languages = agent.skills("language")
    what = f"the number of languages of agent '{agent.agent}'"
    check_limit(FORMAT, SYSTEM, what, len(languages), MAX_LANGUAGES)
    return {
        "userId": agent.external_id,
        "routingSkills": [{"name": name, "proficiency": float(level)} for name, level in skills],
        "routingLanguages": [{"name": s.value, "proficiency": level} for s, level in languages],
    }


def document(assignments: Sequence[SkillAssignment], ids: SystemIds = NO_IDS) -> dict[str, Any]:
    """The Genesys Cloud document for checked, filtered assignments (see the module docstring); ``ids``
    gives the ACD skill names of contact reasons (the agents' user ids are on the assignments)."""
    agents = by_agent(assignments)
    mapped = (_user(a, ids) for a in agents if a.external_id is not None)
    users = sorted(mapped, key=lambda u: str(u["userId"]))
    return {
        "format": FORMAT,
        "version": 1,
        "skills": [{"name": name} for name in _skill_names(agents, ids)],
        "languages": [{"name": value} for value in distinct_values(agents, "language")],
        "users": users,
        "unmappedAgents": unmapped(agents),
    }
