"""Build an analyzer pipeline from registered names, refuse a wrong order, run it on interactions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from callqa.analysis.base import BASE_KEYS, Analysis, Analyzer, analyzers
from callqa.core.document import Interaction
from callqa.core.errors import CallqaError, ErrorCode


def validate_order(stages: Sequence[Analyzer]) -> None:
    """Every requirement must be assigned by an earlier stage; otherwise a coded error says how to fix it."""
    assigned: dict[str, str] = {}
    for position, stage in enumerate(stages):
        for key in stage.requires:
            if key in BASE_KEYS or key in assigned:
                continue
            later = [s.name for s in stages[position + 1 :] if key in s.assigns]
            hint = (
                f"it is assigned later by '{later[0]}'; move that before"
                if later
                else "add an analyzer that assigns it"
            )
            raise CallqaError(ErrorCode.A101, analyzer=stage.name, key=key, hint=hint)
        for key in stage.assigns:
            if key in assigned:
                raise CallqaError(ErrorCode.A102, key=key, first=assigned[key], second=stage.name)
            assigned[key] = stage.name


class Pipeline:
    """An ordered, validated list of analyzers."""

    def __init__(self, stages: Sequence[Analyzer]) -> None:
        validate_order(stages)
        self.stages = tuple(stages)

    @classmethod
    def from_names(
        cls, names: Sequence[str], options: Mapping[str, Mapping[str, Any]] | None = None
    ) -> Pipeline:
        """Instantiate registered analyzers by name; ``options[name]`` are passed to its factory."""
        stages: list[Analyzer] = []
        for name in names:
            factory = analyzers.get(name)
            if factory is None:
                raise CallqaError(ErrorCode.A100, name=name, known=", ".join(analyzers.names()))
            stages.append(factory(**dict((options or {}).get(name, {}))))
        return cls(stages)

    @property
    def version(self) -> str:
        return "+".join(stage.name for stage in self.stages)

    def run(self, interaction: Interaction) -> Analysis:
        return self.finish(self.start(interaction))

    def split(self) -> int:
        """Index of the first stage that embeds text (has ``embedding_texts``), or the number of stages."""
        return next(
            (i for i, stage in enumerate(self.stages) if hasattr(stage, "embedding_texts")), len(self.stages)
        )

    def start(self, interaction: Interaction) -> Analysis:
        """Run the stages before :meth:`split` (redaction always comes before anything that embeds)."""
        return self._run(Analysis(interaction), self.stages[: self.split()])

    def embedding_texts(self, analysis: Analysis) -> list[str]:
        """What the embedding stages will embed for a started analysis."""
        texts: list[str] = []
        for stage in self.stages[self.split() :]:
            ready = all(k in analysis.annotations or k in BASE_KEYS for k in stage.requires)
            if hasattr(stage, "embedding_texts") and ready:
                texts += stage.embedding_texts(analysis)
        return texts

    def finish(self, analysis: Analysis) -> Analysis:
        """Run the remaining stages of a started analysis."""
        return self._run(analysis, self.stages[self.split() :])

    def _run(self, analysis: Analysis, stages: Sequence[Analyzer]) -> Analysis:
        for stage in stages:
            result = stage(analysis)
            if set(result) != set(stage.assigns):
                raise CallqaError(
                    ErrorCode.A103,
                    analyzer=stage.name,
                    declared=sorted(stage.assigns),
                    returned=sorted(result),
                )
            analysis.annotations.update(result)
            analysis.versions[stage.name] = stage.name
        return analysis
