"""Which interactions: the one query type every list, search, export and table shares.

A plain value (no SQL here): ``interactions.queries.interaction_conditions`` turns the fields about the
interaction itself into conditions, ``views.search.query_conditions`` adds those about its evaluation,
analysis and insight facts, and ``insights.dashboard`` reads the same query over the facts and roll-ups.
Every field left as None matches everything.

Two ways to bound time: ``since``/``until`` are instants (lists, exports), ``days`` are local days of the
centre, both included (dashboards and reports, whose facts are kept by local day). ``Days.instants(zone)``
turns the one into the other (``InteractionQuery.in_zone``), e.g. for a dashboard's drill-down list.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Self
from zoneinfo import ZoneInfo

CSAT_BANDS = ("unhappy", "neutral", "happy")
# Whose scores: the official ones (a shared review's where there is one, else the AI's), the AI's alone,
# or only the interactions people reviewed.
BASES = ("final", "ai", "reviewed")
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Days:
    """Local days ``first``..``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"the period starts ({self.first}) after it ends ({self.last})")

    def count(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> Days:
        """The period of the same length just before."""
        return Days(self.first - timedelta(days=self.count()), self.first - timedelta(days=1))

    def instants(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The start of the first day and the start of the day after the last, in ``zone``."""
        return (
            datetime.combine(self.first, time(), zone),
            datetime.combine(self.last + timedelta(days=1), time(), zone),
        )


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
    q: str | None = None  # full-text search of the transcripts (interactions.fulltext syntax)
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
    # local days (dashboards, reports); in_zone turns them into since/until
    days: Days | None = None
    # the viewer's scope: only these teams (a supervisor's); None: every team. Never a URL parameter.
    teams: frozenset[str] | None = None
    basis: str | None = None  # one of BASES; None: final (dashboards)

    @classmethod
    def on_days(cls, first: date, last: date, **fields: Any) -> Self:
        """The query over local days ``first``..``last`` (both included)."""
        return cls(days=Days(first, last), **fields)

    def in_zone(self, zone: ZoneInfo) -> Self:
        """The same query with its local days as instants in ``zone`` (within since/until if also set)."""
        if self.days is None:
            return self
        start, end = self.days.instants(zone)
        since = start if self.since is None else max(self.since, start)
        until = end if self.until is None else min(self.until, end)
        return replace(self, days=None, since=since, until=until)

    def day_view(self, days: Days) -> Self:
        """The same query over other local days (e.g. the period before, for a comparison)."""
        return replace(self, days=days)

    def but(self, **changes: Any) -> Self:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def as_params(self) -> dict[str, str]:
        """The fields that are set, as query-string values (for links that keep the query); local days are
        left out (``in_zone`` first), and the scope is the viewer's, never a parameter."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or (f.name == "history" and not value) or f.name in ("days", "teams"):
                continue
            out[f.name] = (
                value.isoformat()
                if isinstance(value, datetime)
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
        return out
