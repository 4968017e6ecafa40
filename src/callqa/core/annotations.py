"""Typed annotations the analyzers add; each serialises to plain JSON for storage and export."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any


def _flat(obj: Any) -> dict[str, Any]:
    """A flat dataclass of scalars as a dict (``asdict`` deep-copies every value: slow, not needed here)."""
    cls: Any = type(obj)
    return {name: getattr(obj, name) for name in _names(cls)}


@functools.cache
def _names(cls: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


#: The two sides whose talk, silence and overtalk metrics are measured.
ROLES = ("agent", "customer")


@dataclass(frozen=True)
class Evidence:
    """A quoted piece of a turn: turn index, character span in its text, and the turn's times."""

    turn: int
    start_ms: int | None
    end_ms: int | None
    text: str
    char_start: int = 0
    char_end: int = 0

    def as_json(self) -> dict[str, Any]:  # spelled out: one of the hottest calls when storing evaluations
        return {
            "turn": self.turn,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "text": self.text,
            "char_start": self.char_start,
            "char_end": self.char_end,
        }


@dataclass(frozen=True)
class LanguageResult:
    """The interaction's language (BCP-47) and each turn's (``None`` when too short to tell)."""

    language: str
    confidence: float
    per_turn: tuple[str | None, ...]
    declared: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"language": self.language, "confidence": round(self.confidence, 3), "declared": self.declared}


@dataclass(frozen=True)
class Trajectory:
    """Mean sentiment of a role's turns overall and in the first, middle and last third of its turns."""

    overall: float | None = None
    start: float | None = None
    middle: float | None = None
    end: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: (None if v is None else round(v, 3)) for k, v in _flat(self).items()}


@dataclass(frozen=True)
class SentimentResult:
    """Sentiment in [-1, 1] per turn (``None`` for system turns), per-role trajectories and the customer's
    dissatisfaction over the whole interaction (see ``analysis.sentiment.dissatisfaction``)."""

    per_turn: tuple[float | None, ...]
    customer: Trajectory
    agent: Trajectory
    model: str
    dissatisfaction: float | None = None

    def as_json(self) -> dict[str, Any]:
        customer = self.customer.as_json()
        if self.dissatisfaction is not None:
            customer["dissatisfaction"] = round(self.dissatisfaction, 3)
        return {"customer": customer, "agent": self.agent.as_json(), "model": self.model}


@dataclass(frozen=True)
class Moment:
    """A key moment (escalation request, cancellation threat, ...) with the words that show it."""

    kind: str
    evidence: Evidence
    phrase: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "phrase": self.phrase, **self.evidence.as_json()}


@dataclass(frozen=True)
class Friction:
    """A friction point: repetition, long silence, transfer, sentiment drop."""

    kind: str
    turn: int | None
    start_ms: int | None
    detail: str

    def as_json(self) -> dict[str, Any]:
        return _flat(self)


@dataclass(frozen=True)
class Summary:
    """An extractive summary: sentences quoted from the interaction for reason, action and outcome."""

    reason: Evidence | None = None
    actions: tuple[Evidence, ...] = field(default_factory=tuple)
    outcome: Evidence | None = None

    def text(self) -> str:
        parts = [e.text for e in (self.reason, *self.actions, self.outcome) if e is not None]
        return " ".join(dict.fromkeys(parts))

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text(),
            "reason": self.reason.as_json() if self.reason else None,
            "actions": [a.as_json() for a in self.actions],
            "outcome": self.outcome.as_json() if self.outcome else None,
        }


Metrics = dict[str, float | int | None]


@dataclass(frozen=True)
class Gap:
    """A hold or a silence: where it is, how it was found (``event`` or ``gap`` between turns)."""

    kind: str
    start_ms: int
    end_ms: int
    after_turn: int | None
    source: str

    @property
    def seconds(self) -> float:
        return (self.end_ms - self.start_ms) / 1000

    def as_json(self) -> dict[str, Any]:
        return {**_flat(self), "seconds": round(self.seconds, 1)}


@dataclass(frozen=True)
class Timeline:
    """Holds and silences, and each turn's end (measured or estimated from its length)."""

    holds: tuple[Gap, ...]
    silences: tuple[Gap, ...]
    turn_ends: tuple[int | None, ...]
