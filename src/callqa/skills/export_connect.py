"""Routing recommendations as one JSON document for Amazon Connect (format ``amazon-connect``).

Its parts are request bodies of Connect's API, field names as the API spells them, so a short script feeds
them one by one (docs/operations-exports.md; schema ``schemas/amazon-connect.json``):

- ``predefinedAttributes``: ``CreatePredefinedAttribute`` / ``UpdatePredefinedAttribute`` (``Name``,
  ``Values.StringList``): the attribute values the proficiencies name must exist first;
- ``users``: ``AssociateUserProficiencies`` / ``UpdateUserProficiencies`` (``UserId``,
  ``UserProficiencies: [{AttributeName, AttributeValue, Level}]``);
- ``routingProfiles``: ``CreateRoutingProfile`` / ``AssociateRoutingProfileQueues`` (``Name``,
  ``Description``, ``QueueConfigs: [{QueueReference: {QueueId, Channel}, Priority, Delay}]``) and the users
  to move onto each with ``UpdateUserRoutingProfile`` (``UserIds``);
- ``unmappedAgents``: callqa agents with no Connect user id, left out of all the above;
- ``unmappedQueues``: callqa queues with no Connect queue id stored: their callqa name stands in as
  ``QueueId`` (to be mapped before importing).

Skills map to predefined attributes: ``reason:card_lost`` → ``ContactReason`` = ``card_lost`` (or the value
stored for the reason: ``callqa routing ids set connect reason card_lost "Lost card"``; two reasons stored as
one value give it the higher level), ``language:zh`` → ``Language`` = ``zh``, ``channel:chat`` → ``Channel``
= ``chat``. Levels 1–5 are
Connect's levels 1.0–5.0. An agent's queues make their routing profile: each queue on the channels of the
agent's channel skills (voice → VOICE, chat and social → CHAT, email → EMAIL, task → TASK; VOICE when they
have none), at priority 6 − the agent's level for that queue (level 5 is priority 1, taken first), delay 0.
Agents whose queues, channels and priorities are the same share one profile.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_common import AgentSkills, Skill, by_agent, check_limit, unmapped
from callqa.skills.routing_ids import NO_IDS, SystemIds

FORMAT = "amazon-connect"
SYSTEM = "Amazon Connect"
ATTRIBUTES = {"reason": "ContactReason", "language": "Language", "channel": "Channel"}
# The API reference gives 1–100 characters for a proficiency's value (API_UserProficiency); CloudFormation's
# AWS::Connect::User UserProficiency still gives 1–64: the stricter holds for every way of importing.
MAX_VALUE_LENGTH = 64
MAX_ATTRIBUTE_VALUES = 500  # PredefinedAttributeValues.StringList
MAX_NAME_LENGTH = 127  # CreateRoutingProfile Name
MAX_DESCRIPTION = 250  # CreateRoutingProfile Description
CHANNELS = {"voice": "VOICE", "chat": "CHAT", "social": "CHAT", "email": "EMAIL", "task": "TASK"}
DEFAULT_CHANNEL = "VOICE"

QueueConfig = tuple[int, str, str]  # priority, queue, channel


def _value(skill: Skill, reasons: Mapping[str, str]) -> str:
    """The attribute value of a skill: for a contact reason, the value stored for it, else its id."""
    return reasons.get(skill.value, skill.value) if skill.kind == "reason" else skill.value


def _check_values(agents: Sequence[AgentSkills], reasons: Mapping[str, str]) -> None:
    for a in agents:
        for skill in a.levels:
            value = _value(skill, reasons)
            if len(value) > MAX_VALUE_LENGTH:
                reason = f"'{value}' is {len(value)} characters; {SYSTEM} takes 1–{MAX_VALUE_LENGTH}"
                raise CallqaError(
                    ErrorCode.O141, agent=a.agent, skill=f"{skill.kind}:{skill.value}", reason=reason
                )


def _attributes(agents: Sequence[AgentSkills], reasons: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for kind, name in sorted(ATTRIBUTES.items(), key=lambda item: item[1]):
        values = sorted({_value(s, reasons) for a in agents for s in a.levels if s.kind == kind})
        check_limit(
            FORMAT, SYSTEM, f"the number of values of attribute {name}", len(values), MAX_ATTRIBUTE_VALUES
        )
        if values:
            out.append({"Name": name, "Values": {"StringList": values}})
    return out


def _proficiencies(agent: AgentSkills, reasons: Mapping[str, str]) -> list[dict[str, Any]]:
    levels: dict[tuple[str, str], int] = {}
    for skill, level in agent.levels.items():
        key = (ATTRIBUTES[skill.kind], _value(skill, reasons))  # two reasons stored as one value: the higher
        levels[key] = max(level, levels.get(key, 0))
    return [
        {"AttributeName": n, "AttributeValue": v, "Level": float(level)}
        for (n, v), level in sorted(levels.items())
    ]


def _queue_configs(agent: AgentSkills) -> tuple[QueueConfig, ...]:
    channels = sorted({CHANNELS[s.value] for s, _ in agent.skills("channel") if s.value in CHANNELS})
    return tuple(
        sorted(
            (6 - level, queue, channel)
            for queue, level in agent.queues.items()
            for channel in channels or [DEFAULT_CHANNEL]
        )
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _profile(
    configs: tuple[QueueConfig, ...], user_ids: list[str], queue_ids: Mapping[str, str]
) -> dict[str, Any]:
    digest = hashlib.sha256(json.dumps(configs, ensure_ascii=False).encode()).hexdigest()[:8]
    queues = list(dict.fromkeys(sorted(queue for _, queue, _ in configs)))
    described = "; ".join(f"{queue} {channel} priority {p}" for p, queue, channel in configs)
    return {
        "Name": _clip(f"callqa {digest}: {', '.join(queues)}", MAX_NAME_LENGTH),
        "Description": _clip(f"Recommended by callqa from measured quality: {described}", MAX_DESCRIPTION),
        "QueueConfigs": [
            {
                "QueueReference": {"QueueId": queue_ids.get(queue, queue), "Channel": channel},
                "Priority": p,
                "Delay": 0,
            }
            for p, queue, channel in configs
        ],
        "UserIds": sorted(user_ids),
    }


def _profiles(mapped: Sequence[AgentSkills], queue_ids: Mapping[str, str]) -> list[dict[str, Any]]:
    groups: dict[tuple[QueueConfig, ...], list[str]] = {}
    for agent in mapped:
        configs = _queue_configs(agent)
        if configs:
            assert agent.external_id is not None
            groups.setdefault(configs, []).append(agent.external_id)
    profiles = (_profile(c, ids, queue_ids) for c, ids in groups.items())
    return sorted(profiles, key=lambda p: str(p["Name"]))


def _unmapped_queues(mapped: Sequence[AgentSkills], queue_ids: Mapping[str, str]) -> list[str]:
    """The queues of the routing profiles with no Connect queue id stored: their callqa names stand in."""
    return sorted({q for a in mapped for q in a.queues if q not in queue_ids})


def document(assignments: Sequence[SkillAssignment], ids: SystemIds = NO_IDS) -> dict[str, Any]:
    """The Amazon Connect document for checked, filtered assignments (see the module docstring); ``ids``
    gives the Connect queue ids of callqa's queues and the ``ContactReason`` values of its contact reasons
    (the agents' user ids are on the assignments)."""
    agents = by_agent(assignments)
    _check_values(agents, ids.reasons)
    mapped = [a for a in agents if a.external_id is not None]
    users = sorted(
        ({"UserId": a.external_id, "UserProficiencies": _proficiencies(a, ids.reasons)} for a in mapped),
        key=lambda u: str(u["UserId"]),
    )
    return {
        "format": FORMAT,
        "version": 1,
        "predefinedAttributes": _attributes(agents, ids.reasons),
        "users": users,
        "routingProfiles": _profiles(mapped, ids.queues),
        "unmappedAgents": unmapped(agents),
        "unmappedQueues": _unmapped_queues(mapped, ids.queues),
    }
