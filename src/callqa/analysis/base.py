"""Analyzer contract: versioned name, declared requires / assigns, a call that returns annotations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from callqa.core.document import Interaction, Turn
from callqa.core.registry import Registry

# Keys every analysis starts with; analyzers may require them without anyone assigning them.
BASE_KEYS = frozenset({"interaction"})


@dataclass
class Analysis:
    """One interaction being analysed and the annotations added so far, keyed by annotation name."""

    interaction: Interaction
    annotations: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def turns(self) -> list[Turn]:
        return self.interaction.turns

    def get(self, key: str) -> Any:
        return self.annotations[key]


class Analyzer(Protocol):
    """A pipeline stage (extension point).

    name: versioned, registered name such as ``callqa.sentiment.v1``.
    requires: annotation keys that must have been assigned by an earlier analyzer.
    assigns: the annotation keys this analyzer returns (exactly these).
    ``__call__`` must not change the interaction, except the redactor, which replaces sensitive text.
    An analyzer that embeds text may also define ``embedding_texts(analysis) -> list[str]`` (what it will
    embed); batch scoring then embeds those for a whole batch in the background while the previous batch
    is evaluated and stored (see ``Pipeline.split``).
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    assigns: ClassVar[tuple[str, ...]]

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]: ...


AnalyzerFactory = type[Analyzer]
analyzers: Registry[Any] = Registry("analyzer")


@dataclass(frozen=True)
class TurnRef:
    """A turn by position, with the times that let a reviewer jump to it."""

    turn: int
    start_ms: int | None
    end_ms: int | None

    @classmethod
    def of(cls, turns: list[Turn], index: int) -> TurnRef:
        t = turns[index]
        return cls(index, t.start_ms, t.end_ms)
