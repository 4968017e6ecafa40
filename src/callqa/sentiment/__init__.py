"""Offline sentiment, politeness and complaint scores for English, Chinese, Lithuanian and Persian.

Nothing heavy is imported here: VADER, the embedder and the classifier heads load on first use.
"""

from __future__ import annotations

from collections.abc import Sequence

from callqa.sentiment.model import SentimentModel, get_sentiment_model

SENTIMENT_VERSION = "callqa.sentiment.v1"

__all__ = [
    "SENTIMENT_VERSION",
    "SentimentModel",
    "complaint_score",
    "get_sentiment_model",
    "politeness_score",
]


def politeness_score(texts: Sequence[str], languages: Sequence[str | None]) -> list[float]:
    """Politeness per text in [-1, 1]; higher is more polite / courteous."""
    return get_sentiment_model().politeness(texts, languages)


def complaint_score(texts: Sequence[str], languages: Sequence[str | None]) -> list[float]:
    """Probability-like score in [0, 1] that each text is a complaint."""
    return get_sentiment_model().complaint(texts, languages)
