"""What the monitor emits: alerts, agent cards, checklist ticks, transcript and call updates, help requests.

Each output knows who may receive it (agent, team) so the hub can route it by the receiver's role; each
serialises to the JSON message documented in docs/live.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Alert:
    id: str
    call_id: str
    rule: str
    title: str
    severity: str
    at_ms: int
    text: str
    agent: str | None
    team: str | None
    segment_id: str | None = None
    notify: tuple[str, ...] = ("supervisor",)

    def message(self) -> dict[str, Any]:
        return {"type": "alert", "alert": {**asdict(self), "notify": list(self.notify)}}


@dataclass(frozen=True)
class Card:
    """A prompt on the agent's assist page: objection handling, compliance reminder, knowledge answer."""

    call_id: str
    agent: str | None
    team: str | None
    kind: str
    title: str
    body: str
    source: str  # the rule id, or "kb:<article id>"
    at_ms: int

    def message(self) -> dict[str, Any]:
        return {"type": "card", "card": asdict(self)}


@dataclass(frozen=True)
class ChecklistTick:
    call_id: str
    agent: str | None
    team: str | None
    item: str
    at_ms: int
    text: str

    def message(self) -> dict[str, Any]:
        return {
            "type": "checklist",
            "call_id": self.call_id,
            "item": self.item,
            "at_ms": self.at_ms,
            "text": self.text,
        }


@dataclass(frozen=True)
class TranscriptUpdate:
    call_id: str
    agent: str | None
    team: str | None
    segment: dict[str, Any]
    sentiment: float | None = None

    def message(self) -> dict[str, Any]:
        return {
            "type": "segment",
            "call_id": self.call_id,
            "segment": self.segment,
            "sentiment": self.sentiment,
        }


@dataclass(frozen=True)
class CallUpdate:
    """A call's line on the live board changed (the hub sends the changed lines together, once a second)."""

    call_id: str
    agent: str | None
    team: str | None

    def message(self) -> dict[str, Any]:
        return {"type": "call_changed", "call_id": self.call_id}


@dataclass(frozen=True)
class CallEnded:
    call_id: str
    agent: str | None
    team: str | None
    interaction_id: int | None = None
    score: float | None = None
    error: str | None = None

    def message(self) -> dict[str, Any]:
        return {
            "type": "call_end",
            "call_id": self.call_id,
            "interaction_id": self.interaction_id,
            "score": self.score,
            "error": self.error,
        }


Output = Alert | Card | ChecklistTick | TranscriptUpdate | CallUpdate | CallEnded
