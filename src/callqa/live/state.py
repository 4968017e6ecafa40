"""What the monitor knows about one call in progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callqa.live.outputs import Alert
from callqa.live.protocol import CallEvent, CallStart, Segment

SentimentPoint = tuple[str, float]  # (segment id, score in [-1, 1])


@dataclass
class CallState:
    start: CallStart
    opened: float  # monotonic seconds when call_start arrived
    finals: list[Segment] = field(default_factory=list)
    partials: dict[str, Segment] = field(default_factory=dict)
    events: list[CallEvent] = field(default_factory=list)
    last_ms: int = 0  # the latest call time any message mentioned
    speech_end_ms: int = 0  # the end of the latest speech or hold: silence is measured from here
    hold_since: int | None = None
    hold_inferred: bool = False  # from the agent's "please hold", not a hold event: speech ends it
    holds: list[tuple[int, int]] = field(default_factory=list)
    run_role: str | None = None  # who has been talking without the other answering, since when
    run_start_ms: int = 0
    run_end_ms: int = 0
    sentiment: dict[str, list[SentimentPoint]] = field(default_factory=lambda: {"customer": [], "agent": []})
    fired: dict[tuple[str, int | None], int] = field(default_factory=dict)  # (rule, occurrence) → call ms
    said: dict[str, int] = field(default_factory=dict)  # deadline / order-first rule id → call ms said
    ticked: dict[str, int] = field(default_factory=dict)  # checklist item → call ms
    alerts: list[Alert] = field(default_factory=list)
    transfers: int = 0
    suggested: set[str] = field(default_factory=set)  # knowledge articles already suggested

    @property
    def call_id(self) -> str:
        return self.start.call_id

    @property
    def agent(self) -> str | None:
        return self.start.agent

    @property
    def team(self) -> str | None:
        return self.start.team

    def segment_json(self, segment: Segment) -> dict[str, Any]:
        return {
            "segment_id": segment.segment_id,
            "role": segment.role,
            "text": segment.text,
            "start_ms": segment.start_ms,
            "end_ms": segment.end_ms,
            "final": segment.final,
        }

    def customer_mood(self) -> float | None:
        """The mean of the customer's last three sentiment scores."""
        points = self.sentiment["customer"][-3:]
        return round(sum(s for _, s in points) / len(points), 3) if points else None

    def summary(self, now_ms: int) -> dict[str, Any]:
        """The call's line on the live board."""
        state = "hold" if self.hold_since is not None else "talking"
        return {
            "call_id": self.call_id,
            "agent": self.agent,
            "team": self.team,
            "queue": self.start.queue,
            "language": self.start.language,
            "state": state,
            "duration_ms": now_ms,
            "hold_ms": (now_ms - self.hold_since) if self.hold_since is not None else 0,
            "sentiment": self.customer_mood(),
            "alerts": len(self.alerts),
            "worst": max((_RANK[a.severity] for a in self.alerts), default=0),
            "turns": len(self.finals),
        }


_RANK = {"info": 1, "warning": 2, "critical": 3}
