"""What routing exports are built from: one agent's level in one routing skill, as recommended.

Skills are named for what a routing system routes on: a contact reason (``reason:card_lost``), a language
(``language:zh``) or a channel (``channel:chat``); ``queue`` is the queue whose routing the recommendation is
for. Levels run 1–5 (5: route here first).
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class SkillAssignment:
    agent: str  # callqa user name
    skill: str  # e.g. "reason:card_lost", "language:zh", "channel:chat"
    level: int  # 1–5
    queue: str | None = None  # the queue this recommendation is for
    rank: int | None = None  # the agent's place among those recommended for the queue / skill (1 = first)
    external_id: str | None = None  # the agent's id in the routing system, when known
