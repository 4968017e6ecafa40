"""Review and dispute states, and the review as the app shows it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

Outcome = Literal["pass", "fail", "n/a"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "n/a")


class ReviewState(StrEnum):
    DRAFT = "draft"  # the analyst is reviewing; the agent does not see it yet
    SHARED = "shared"  # the agent was notified and may acknowledge or dispute
    ACKNOWLEDGED = "acknowledged"
    DISPUTED = "disputed"  # at least one dispute is open
    FINAL = "final"


class DisputeState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the criterion was changed as the agent asked
    REJECTED = "rejected"


@dataclass(frozen=True)
class Override:
    criterion: str
    ai_outcome: str
    outcome: str
    reason: str
    by: str | None
    at: datetime


@dataclass(frozen=True)
class Dispute:
    id: int
    criterion: str
    requested: str
    comment: str
    by: str | None
    state: DisputeState
    resolution: str | None
    resolved_by: str | None
    at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment: on a criterion, a transcript turn and/or a time in the recording."""

    id: int
    criterion: str | None
    turn: int | None
    at_ms: int | None
    text: str
    by: str | None
    at: datetime

    def as_json(self) -> dict[str, object]:
        return {**self.__dict__, "at": self.at.isoformat()}


@dataclass(frozen=True)
class ReviewView:
    """A review: the AI's criteria with the current outcome of each, the overrides and disputes."""

    id: int
    evaluation_id: int
    interaction_id: int
    state: ReviewState
    reviewer: str | None
    ai_score: float | None
    score: float | None
    auto_failed: bool
    comment: str | None
    criteria: list[dict[str, Any]]  # the AI's result plus "final_outcome" and "overridden"
    self_evaluation: dict[str, str] | None = None  # the agent's own outcomes, by criterion
    self_comment: str | None = None
    awaiting_self_evaluation: bool = (
        False  # shown to the agent without QA's outcomes until they self-evaluate
    )
    overrides: list[Override] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # oldest first

    def hidden_for_self_evaluation(self) -> ReviewView:
        """What the agent sees before evaluating themselves: the criteria, not QA's or the AI's outcomes."""
        keep = ("id", "title", "section", "weight", "critical", "applies")
        return replace(
            self,
            ai_score=None,
            score=None,
            auto_failed=False,
            criteria=[{k: c[k] for k in keep if k in c} for c in self.criteria],
            overrides=[],
            comments=[],
            awaiting_self_evaluation=True,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "evaluation_id": self.evaluation_id,
            "interaction_id": self.interaction_id,
            "state": self.state.value,
            "reviewer": self.reviewer,
            "ai_score": self.ai_score,
            "score": self.score,
            "auto_failed": self.auto_failed,
            "comment": self.comment,
            "criteria": self.criteria,
            "self_evaluation": self.self_evaluation,
            "self_comment": self.self_comment,
            "awaiting_self_evaluation": self.awaiting_self_evaluation,
            "overrides": [{**o.__dict__, "at": o.at.isoformat()} for o in self.overrides],
            "comments": [c.as_json() for c in self.comments],
            "disputes": [
                {
                    **d.__dict__,
                    "state": d.state.value,
                    "at": d.at.isoformat(),
                    "resolved_at": d.resolved_at.isoformat() if d.resolved_at else None,
                }
                for d in self.disputes
            ],
        }
