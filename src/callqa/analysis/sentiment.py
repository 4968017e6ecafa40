"""Sentiment per turn, its trajectory (start / middle / end) for customer and agent, and the customer's
dissatisfaction over the whole interaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.core.annotations import SentimentResult, Trajectory
from callqa.core.errors import CallqaError, ErrorCode
from callqa.sentiment import SENTIMENT_VERSION, get_sentiment_model


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# In a customer's dissatisfaction a positive turn weighs half a negative one of the same strength (the
# negativity bias: a bad moment is remembered about twice as strongly as a good one). Chosen before it was
# measured; docs/accuracy.md shows every weight from 0 to 2 on both dev sets (JDDC ROC-AUC 0.72–0.77).
POSITIVE_WEIGHT = 0.5


def dissatisfaction(scores: Sequence[float]) -> float:
    """How unhappy the customer was over the whole interaction: the negative parts of their turns' sentiment
    added up, less half the positive parts. A number of "clearly unhappy turns, net": 0 is neutral, 2 is
    about two clearly negative turns more than the good ones make up for. It ranks dissatisfied dialogues
    better than the mean or the end sentiment because unhappiness accumulates: a long conversation with
    several complaints is worse than one short complaint (docs/accuracy.md)."""
    negative = sum(-s for s in scores if s < 0)
    positive = sum(s for s in scores if s > 0)
    return negative - POSITIVE_WEIGHT * positive


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


ROLES = ("agent", "customer")


@analyzers.register("callqa.sentiment.v1")
class SentimentAnalyzer:
    """Scores agent and customer turns with the language-appropriate model (callqa.sentiment).

    Option ``roles`` (default both ``[agent, customer]``): whose turns are scored. ``[customer]`` halves
    what sentiment embeds on real transcripts (agents say about half the words) for a centre that reads
    only the customer's sentiment: agent turns then have no sentiment and the agent trajectory is empty
    (the interaction page, the export's ``agent_*`` columns and ``sentiment`` criteria on the agent).
    """

    name: ClassVar[str] = "callqa.sentiment.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction", "redacted", "language")
    assigns: ClassVar[tuple[str, ...]] = ("sentiment",)

    def __init__(self, roles: Sequence[str] = ROLES) -> None:
        unknown = sorted(set(roles) - set(ROLES))
        if unknown or not roles or isinstance(roles, str):
            raise CallqaError(
                ErrorCode.S120,
                analyzer=self.name,
                option=f"roles {roles!r}",
                reason=f"must be a non-empty list of {', '.join(ROLES)}",
            )
        self.roles = tuple(roles)

    def _scored(self, analysis: Analysis) -> tuple[list[int], list[str], list[str | None]]:
        language = analysis.get("language")
        indexes = [i for i, t in enumerate(analysis.turns) if t.role in self.roles and t.text.strip()]
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
            tuple(per_turn),
            trajectory(by_role["customer"]),
            trajectory(by_role["agent"]),
            SENTIMENT_VERSION,
            dissatisfaction(by_role["customer"]) if by_role["customer"] else None,
        )
        return {"sentiment": result}
