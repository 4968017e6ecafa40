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
prefix keeps them apart and lets them be read back); ``language:zh`` is the routing language ``zh``. Levels
1–5 are proficiencies 1–5 (Genesys rates 0–5; 0, a skill held without proficiency, is never sent): skills
as numbers (1.0–5.0), languages as whole numbers, which is what Genesys keeps for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_common import AgentSkills, by_agent, distinct_values, unmapped

FORMAT = "genesys"
SYSTEM = "Genesys Cloud"
SKILL_KINDS = ("channel", "reason")  # ACD skills; languages are Genesys' routing languages
MAX_LANGUAGES = 50  # PATCH /api/v2/users/{userId}/routinglanguages/bulk: "Max 50 routing languages"


def _skill_names(agents: Sequence[AgentSkills]) -> list[str]:
    return sorted(f"{kind}:{value}" for kind in SKILL_KINDS for value in distinct_values(agents, kind))


def _user(agent: AgentSkills) -> dict[str, Any]:
    skills = sorted(
        (f"{skill.kind}:{skill.value}", level) for kind in SKILL_KINDS for skill, level in agent.skills(kind)
    )
    languages = agent.skills("language")
    if len(languages) > MAX_LANGUAGES:
        raise CallqaError(
            ErrorCode.O145,
            fmt=FORMAT,
            what=f"the number of languages of agent '{agent.agent}'",
            count=len(languages),
            limit=MAX_LANGUAGES,
            system=SYSTEM,
        )
    return {
        "userId": agent.external_id,
        "routingSkills": [{"name": name, "proficiency": float(level)} for name, level in skills],
        "routingLanguages": [{"name": s.value, "proficiency": level} for s, level in languages],
    }


def document(assignments: Sequence[SkillAssignment]) -> dict[str, Any]:
    """The Genesys Cloud document for checked, filtered assignments (see the module docstring)."""
    agents = by_agent(assignments)
    users = sorted((_user(a) for a in agents if a.external_id is not None), key=lambda u: str(u["userId"]))
    return {
        "format": FORMAT,
        "version": 1,
        "skills": [{"name": name} for name in _skill_names(agents)],
        "languages": [{"name": value} for value in distinct_values(agents, "language")],
        "users": users,
        "unmappedAgents": unmapped(agents),
    }
