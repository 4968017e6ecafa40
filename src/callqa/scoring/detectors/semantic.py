"""Semantic similarity to example utterances with multilingual embeddings (per-language thresholds)."""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import numpy as np
from pydantic import Field, field_validator

from callqa.analysis.text import primary_language
from callqa.scoring.detectors.base import Context, Result, Scoped, clock, detectors, evidence_for
from callqa.scoring.detectors.text import _check_languages, _flatten

_SENTENCE = re.compile(r"[^.!?。！？؟\n]+[.!?。！？؟]*")
_MIN_CHARS = 4


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (CJK and Persian punctuation included)."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if end - start >= _MIN_CHARS:
            spans.append((start, end))
    return spans


@detectors.register("semantic")
class SemanticDetector:
    """Any sentence in scope close in meaning to one of the examples (cosine ≥ the language's threshold).

    Examples in one language match the others too (the embedding model is multilingual); thresholds can be
    set per language because similarity levels differ between languages. ``counter_examples`` are near
    misses ("let me look into this" is not a paraphrase): a sentence closer to one of them than to every
    example (by less than ``margin``) does not match.
    """

    type_name: ClassVar[str] = "semantic"

    class Params(Scoped):
        examples: list[str] | dict[str, list[str]]
        threshold: float = Field(0.88, gt=0, lt=1)
        thresholds: dict[str, float] = Field(default_factory=dict)
        counter_examples: list[str] | dict[str, list[str]] = Field(default_factory=list)
        margin: float = Field(0.01, ge=0, lt=1, description="how much closer to an example than to a counter")
        label: str = "similar sentence"

        _languages = field_validator("examples")(classmethod(lambda cls, v: _check_languages(v)))

        @field_validator("counter_examples")
        @classmethod
        def _counter_languages(cls, v: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
            return _check_languages(v) if _flatten(v) else v

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        self.examples = _flatten(params.examples)
        self.counters = _flatten(params.counter_examples)
        self._example_vectors: Any = None
        self._counter_vectors: Any = None

    def threshold(self, language: str) -> float:
        return self.params.thresholds.get(primary_language(language), self.params.threshold)

    def evaluate(self, ctx: Context) -> Result:
        ctx = ctx.narrow(self.params.speaker, self.params.within)
        embedder = ctx.services.get_embedder()
        if self._example_vectors is None:
            self._example_vectors = embedder.embed(self.examples)
            self._counter_vectors = embedder.embed(self.counters) if self.counters else None
        candidates = [(i, s, e) for i in ctx.scope for s, e in sentences(ctx.analysis.turns[i].text)]
        if not candidates:
            return Result(False, 0.6, (), f"no {self.params.speaker} sentences in scope")
        texts = [ctx.analysis.turns[i].text[s:e] for i, s, e in candidates]
        vectors = embedder.embed(texts)
        sims = vectors @ self._example_vectors.T
        best_example = sims.argmax(axis=1)
        best = sims[np.arange(len(texts)), best_example]
        margins = [
            float(best[k]) - self.threshold(ctx.turn_language(i)) for k, (i, _, _) in enumerate(candidates)
        ]
        if self._counter_vectors is not None:
            # A near miss: closer to a counter-example than to the examples (within the margin).
            closest_counter = (vectors @ self._counter_vectors.T).max(axis=1)
            contrast = best - closest_counter - self.params.margin
            margins = [min(m, float(c)) for m, c in zip(margins, contrast, strict=True)]
        hits = [k for k, margin in enumerate(margins) if margin >= 0]
        top = max(range(len(candidates)), key=lambda k: margins[k])
        confidence = 1 / (1 + math.exp(-abs(margins[top]) / 0.02))
        if hits:
            evidence = tuple(
                evidence_for(ctx, candidates[k][0], candidates[k][1], candidates[k][2]) for k in hits
            )
            first = evidence[0]
            example = self.examples[int(best_example[hits[0]])]
            note = f"“{first.text}” {clock(first.start_ms)} ≈ “{example}” ({float(best[hits[0]]):.2f})"
            return Result(True, confidence, evidence, note)
        return Result(False, confidence, (), f"no {self.params.label} (closest {float(best[top]):.2f})")
