"""Which interactions: the one query type every list, search, export and table shares.

A plain value (no SQL here): ``interactions.queries.interaction_conditions`` turns the fields about the
interaction itself into conditions, ``views.search.query_conditions`` adds those about its evaluation,
analysis and insight facts. Every field left as None matches everything.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, Self

CSAT_BANDS = ("unhappy", "neutral", "happy")
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class InteractionQuery:
    # the interaction
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    channel: str | None = None
    language: str | None = None  # 'zh' matches zh-Hans and zh-Hant
    source: str | None = None
    text: str | None = None  # external id contains
    has_survey: bool | None = None
    min_csat: float | None = None
    max_csat: float | None = None
    # its evaluation by ``scorecard`` (None: the configured one; for record exports, every scorecard)
    scorecard: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    failed: str | None = None  # a criterion id the current evaluation failed
    auto_failed: bool | None = None
    history: bool = False  # table exports: every evaluation, not only the current ones
    # its analysis and insight facts
    sentiment: str | None = None  # the customer's overall sentiment: negative | neutral | positive
    moment: str | None = None  # a key-moment kind found in it (escalation_request ...)
    hour: int | None = None  # local hour of the day it started (0–23), as the insights facts have it
    weekday: int | None = None  # local weekday it started (0 = Monday)
    csat_band: str | None = None  # unhappy (1–2 of 5) | neutral | happy (4–5), whatever the survey's scale
    reason: str | None = None  # contact reason id ("none": no reason recognised)

    def but(self, **changes: Any) -> Self:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def as_params(self) -> dict[str, str]:
        """The fields that are set, as query-string values (for links that keep the query)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or (f.name == "history" and not value):
                continue
            out[f.name] = (
                value.isoformat()
                if isinstance(value, datetime)
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
        return out
