"""Sentiment per turn and its trajectory (start / middle / end) for customer and agent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.core.annotations import SentimentResult, Trajectory
from callqa.sentiment import SENTIMENT_VERSION, get_sentiment_model


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def trajectory(scores: Sequence[float]) -> Trajectory:
    """Mean over all of a role's turns and over the first, middle and last third of them."""
    if not scores:
        return Trajectory()
    n = len(scores)
    third = max(1, n // 3)
    return Trajectory(
        overall=_mean(scores),
        start=_mean(scores[:third]),
        middle=_mean(scores[third : n - third]) if n > 2 * third else _mean(scores),
        end=_mean(scores[n - third :]),
    )


@analyzers.register("callqa.sentiment.v1")
class SentimentAnalyzer:
    """Scores agent and customer turns with the language-appropriate model (callqa.sentiment)."""

    name: ClassVar[str] = "callqa.sentiment.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction", "redacted", "language")
    assigns: ClassVar[tuple[str, ...]] = ("sentiment",)

    def _scored(self, analysis: Analysis) -> tuple[list[int], list[str], list[str | None]]:
        language = analysis.get("language")
        indexes = [
            i for i, t in enumerate(analysis.turns) if t.role in ("agent", "customer") and t.text.strip()
        ]
        texts = [analysis.turns[i].text for i in indexes]
        return indexes, texts, [language.per_turn[i] or language.language for i in indexes]

    def embedding_texts(self, analysis: Analysis) -> list[str]:
        """The (redacted) turn texts the model will embed."""
        _, texts, languages = self._scored(analysis)
        return get_sentiment_model().embedding_texts(texts, languages)

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        indexes, texts, languages = self._scored(analysis)
        scores = get_sentiment_model().score(texts, languages) if texts else []
        per_turn: list[float | None] = [None] * len(analysis.turns)
        for i, score in zip(indexes, scores, strict=True):
            per_turn[i] = float(score)
        by_role = {
            role: [s for i, s in zip(indexes, scores, strict=True) if analysis.turns[i].role == role]
            for role in ("agent", "customer")
        }
        result = SentimentResult(
            tuple(per_turn), trajectory(by_role["customer"]), trajectory(by_role["agent"]), SENTIMENT_VERSION
        )
        return {"sentiment": result}
