"""The live rules YAML schema: rules (when → alert / agent card) and the agent's live checklist.

Conditions share the scorecard's vocabulary where it fits: phrases per language (or borrowed from a
scorecard criterion, so "recording disclosure" means the same words live and after the call), regexes,
key-moment kinds from the moment library, semantic examples; and add what only makes sense live: durations,
sentiment streaks and drops, compliance deadlines and the order of what was said.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callqa.core.config import DEFAULT_SCORECARD
from callqa.scoring.spec import ID_PATTERN

Speaker = Literal["agent", "customer", "any"]
Severity = Literal["info", "warning", "critical"]
Notify = Literal["supervisor", "agent"]
Phrases = list[str] | dict[str, list[str]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PhraseSource(_Strict):
    """Phrases given here, or borrowed from a scorecard criterion (``criterion: recording_disclosure``; an
    order criterion's parts as ``identity_before_account.first`` / ``.then``)."""

    phrases: Phrases | None = None
    criterion: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> PhraseSource:
        if (self.phrases is None) == (self.criterion is None):
            raise ValueError("give either 'phrases' or 'criterion'")
        return self


class PhraseWhen(PhraseSource):
    type: Literal["phrase"]
    speaker: Speaker = "customer"
    partial: bool = Field(False, description="also try partial (not yet final) segments: faster, less sure")


class RegexWhen(_Strict):
    type: Literal["regex"]
    speaker: Speaker = "customer"
    patterns: list[str] = Field(min_length=1)


class MomentWhen(_Strict):
    type: Literal["moment"]
    kind: str = Field(description="a kind of the moment library: abuse, escalation_request ...")
    speaker: Speaker | None = Field(None, description="the kind's own speaker when absent")


class SemanticWhen(_Strict):
    type: Literal["semantic"]
    speaker: Speaker = "customer"
    examples: Phrases
    threshold: float = Field(0.88, gt=0, lt=1)
    thresholds: dict[str, float] = Field(default_factory=dict)


class DurationWhen(_Strict):
    type: Literal["duration"]
    what: Literal["hold", "silence", "call", "customer_talking", "agent_talking"]
    over_s: float = Field(gt=0)


class SentimentWhen(_Strict):
    """``streak`` turns in a row at or below ``below``, or a ``drop`` from the best earlier turn."""

    type: Literal["sentiment"]
    speaker: Literal["agent", "customer"] = "customer"
    below: float = Field(-0.4, ge=-1, le=1)
    streak: int | None = Field(None, ge=1)
    drop: float | None = Field(None, gt=0, le=2)

    @model_validator(mode="after")
    def _one_test(self) -> SentimentWhen:
        if (self.streak is None) == (self.drop is None):
            raise ValueError("give either 'streak' or 'drop'")
        return self


class DeadlineWhen(PhraseSource):
    """Fires when ``within_s`` of call time pass and the speaker has not said any of the phrases."""

    type: Literal["deadline"]
    speaker: Speaker = "agent"
    within_s: float = Field(gt=0)


class OrderWhen(_Strict):
    """Fires when the speaker says a ``then`` phrase before any ``first`` phrase was said."""

    type: Literal["order"]
    speaker: Speaker = "agent"
    first: PhraseSource
    then: PhraseSource


When = Annotated[
    PhraseWhen
    | RegexWhen
    | MomentWhen
    | SemanticWhen
    | DurationWhen
    | SentimentWhen
    | DeadlineWhen
    | OrderWhen,
    Field(discriminator="type"),
]


class CardSpec(_Strict):
    """A prompt shown on the agent's assist page."""

    kind: Literal["objection", "compliance", "tip"] = "tip"
    title: str = Field(min_length=1)
    body: str = ""


class RuleSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    severity: Severity = "warning"
    when: When
    notify: list[Notify] = Field(default_factory=lambda: list[Notify](["supervisor"]))
    card: CardSpec | None = None
    cooldown_s: float = Field(
        0, ge=0, description="fire again after this much call time; 0 = once per call (per hold, silence...)"
    )


class ChecklistItemSpec(PhraseSource):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    speaker: Speaker = "agent"
    after: str | None = Field(
        None, description="ticks only in a later turn than this item ('thanks' after the greeting's thanks)"
    )


class LiveRulesSpec(_Strict):
    version: Literal[1] = 1
    scorecard: str = Field(DEFAULT_SCORECARD, description="where 'criterion:' phrases are borrowed from")
    rules: list[RuleSpec] = Field(default_factory=list)
    checklist: list[ChecklistItemSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> LiveRulesSpec:
        for what, ids in (
            ("rule", [r.id for r in self.rules]),
            ("checklist item", [c.id for c in self.checklist]),
        ):
            seen: set[str] = set()
            for ident in ids:
                if ident in seen:
                    raise ValueError(f"{what} id '{ident}' is used twice")
                seen.add(ident)
        items = {c.id for c in self.checklist}
        for c in self.checklist:
            if c.after is not None and c.after not in items:
                raise ValueError(f"checklist item '{c.id}': 'after' names no item ('{c.after}')")
        return self
