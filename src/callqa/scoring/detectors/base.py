"""Detector contract, the scope a detector looks at, and its result with evidence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from callqa.analysis.base import Analysis
from callqa.core.annotations import Evidence
from callqa.core.registry import Registry
from callqa.ml.embeddings import get_embedder

Speaker = Literal["agent", "customer", "any"]


class Window(BaseModel):
    """Where in the interaction to look; several limits combine (all must hold)."""

    model_config = ConfigDict(extra="forbid")
    first_turns: int | None = Field(
        None,
        ge=1,
        description="only the speaker's first N turns (a turn: what they say before the other party speaks)",
    )
    first_seconds: float | None = Field(None, gt=0, description="only turns starting in the first N seconds")
    last_turns: int | None = Field(None, ge=1, description="only the speaker's last N turns (as first_turns)")
    last_seconds: float | None = Field(None, gt=0, description="only turns starting in the last N seconds")


class Scoped(BaseModel):
    """Parameters shared by detectors that read turns: who speaks and where."""

    model_config = ConfigDict(extra="forbid")
    speaker: Speaker = "agent"
    within: Window | None = None


@dataclass(frozen=True)
class Context:
    """What a detector evaluates: the analysed interaction and the turn indexes still in scope."""

    analysis: Analysis
    scope: tuple[int, ...]
    services: Services
    # Narrowed scopes by (speaker, window object): most criteria ask for the same few.
    _narrowed: dict[tuple[str, int], tuple[Window | None, Context]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def full(cls, analysis: Analysis, services: Services) -> Context:
        return cls(analysis, tuple(range(len(analysis.turns))), services)

    def narrow(self, speaker: Speaker, within: Window | None) -> Context:
        """Restrict the scope to a speaker and a window; windows count the speaker's own turns."""
        key = (speaker, id(within))
        known = self._narrowed.get(key)
        if known is not None and known[0] is within:
            return known[1]
        turns = self.analysis.turns
        keep = [i for i in self.scope if speaker == "any" or turns[i].role == speaker]
        if within is not None:
            keep = _apply_window(keep, turns, within)
        narrowed = Context(self.analysis, tuple(keep), self.services)
        self._narrowed[key] = (within, narrowed)
        return narrowed

    @property
    def language(self) -> str:
        result = self.analysis.annotations.get("language")
        if result is not None:
            language: str = result.language
            return language
        return self.analysis.interaction.language or ""

    def turn_language(self, index: int) -> str:
        result = self.analysis.annotations.get("language")
        if result is None:
            return self.language
        tag: str = result.per_turn[index] or result.language
        return tag


def _runs(keep: list[int], turns: Sequence[Any]) -> list[list[int]]:
    """The kept turns grouped into speaking turns: consecutive lines of one speaker (speech recognisers and
    transcripts split one speaking turn into several utterances: "is there anything else" / "thank you for
    calling" / "bye" is one closing turn)."""
    runs: list[list[int]] = []
    for i in keep:
        if runs and runs[-1][-1] == i - 1 and turns[i - 1].role == turns[i].role:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _apply_window(keep: list[int], turns: Sequence[Any], within: Window) -> list[int]:
    if within.first_turns is not None:
        keep = [i for run in _runs(keep, turns)[: within.first_turns] for i in run]
    if within.last_turns is not None:
        keep = [i for run in _runs(keep, turns)[-within.last_turns :] for i in run]
    starts = [turns[i].start_ms for i in range(len(turns)) if turns[i].start_ms is not None]
    if within.first_seconds is not None and starts:
        origin = min(starts)
        limit = within.first_seconds * 1000
        keep = [i for i in keep if turns[i].start_ms is None or turns[i].start_ms - origin <= limit]
    if within.last_seconds is not None and starts:
        last = max(starts)
        limit = within.last_seconds * 1000
        keep = [i for i in keep if turns[i].start_ms is not None and last - turns[i].start_ms <= limit]
    return keep


@dataclass(frozen=True)
class Result:
    """Whether the detector found what it looks for, how sure it is, and the evidence either way.

    ``applicable=False`` makes the criterion N/A (e.g. an order check when no account data was given).
    """

    matched: bool
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    applicable: bool = True

    @property
    def first_turn(self) -> int | None:
        return min((e.turn for e in self.evidence), default=None)


@dataclass
class Services:
    """Shared, lazily created helpers detectors may use (embedder, LLM client and its cache)."""

    embedder: Any = None
    llm: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def get_embedder(self) -> Any:
        if self.embedder is None:
            self.embedder = get_embedder()
        return self.embedder


class Detector(Protocol):
    """A scorecard detector (extension point): built from validated params, evaluated on a context.

    ``type_name`` is the name used in YAML (``type: phrase``); ``Params`` is the pydantic model of its
    parameters; ``children`` lists nested detectors (composites); ``prepare`` may batch expensive work.
    """

    type_name: ClassVar[str]

    def evaluate(self, ctx: Context) -> Result: ...


DetectorBuilder = Callable[[dict[str, Any], str], Detector]
detectors: Registry[Any] = Registry("detector")


def evidence_for(ctx: Context, index: int, start: int = 0, end: int | None = None) -> Evidence:
    """Evidence quoting characters ``start:end`` of turn ``index`` (the whole turn by default)."""
    turn = ctx.analysis.turns[index]
    end = len(turn.text) if end is None else end
    return Evidence(index, turn.start_ms, turn.end_ms, turn.text[start:end], start, end)


def clock(ms: int | None) -> str:
    """``m:ss`` for a reviewer, or empty when the turn has no time."""
    if ms is None:
        return ""
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"
