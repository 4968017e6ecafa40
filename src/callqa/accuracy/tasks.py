"""One evaluation per data set: score the (sampled) items with callqa.sentiment and compute the metrics."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from callqa.accuracy.datasets import DISSATISFIED, NEUTRAL, SATISFIED, Dialogue, TextItem, sample
from callqa.analysis.sentiment import dissatisfaction, trajectory
from callqa.core import metrics as m
from callqa.insights.predict import text_csat
from callqa.sentiment import SentimentModel

# Scores within ±SENTIMENT_BAND count as neutral (3-class sentiment). VADER's authors use 0.05; 0.2
# was chosen on the twitter_airline_sentiment dev part (see docs/accuracy.md).
SENTIMENT_BAND = 0.2
# Dissatisfaction classes from a sentiment score, per language family: (below → dissatisfied,
# above → satisfied). Tuned on the USS dev parts (English: USS English dev; Chinese: JDDC valid).
TURN_THRESHOLDS = {"en": (-0.05, 0.2), "zh": (-0.2, 0.15)}
DIALOGUE_THRESHOLDS = {"en": (0.15, 0.2), "zh": (-0.35, -0.3)}
# How customer-turn scores become one dialogue score (see aggregate()).
DIALOGUE_AGGREGATE = "mean"  # best Spearman on both USS dev parts (vs end, min, min_mean)
COMPLAINT_THRESHOLD = 0.5


@dataclass(frozen=True)
class EvalRow:
    """One line of the accuracy report: a data set × task, its size and metric values."""

    dataset: str
    task: str
    language: str
    n: int
    metrics: dict[str, float] = field(default_factory=dict)
    status: str = "ok"  # ok | absent
    note: str = ""


def sentiment_class(score: float, band: float = SENTIMENT_BAND) -> str:
    """negative / neutral / positive from a score in [-1, 1]."""
    return "negative" if score < -band else "positive" if score > band else "neutral"


def satisfaction_class(score: float, thresholds: tuple[float, float]) -> int:
    """0 dissatisfied / 1 neutral / 2 satisfied from a sentiment score."""
    low, high = thresholds
    return DISSATISFIED if score < low else SATISFIED if score > high else NEUTRAL


def aggregate(scores: Sequence[float], how: str = DIALOGUE_AGGREGATE) -> float:
    """One dialogue score from its customer-turn scores: end, min, mean or min_mean (mean of min and mean)."""
    if not scores:
        return 0.0
    low = min(scores)
    mean = sum(scores) / len(scores)
    table: dict[str, Callable[[], float]] = {
        "end": lambda: scores[-1],
        "min": lambda: low,
        "mean": lambda: mean,
        "min_mean": lambda: (low + mean) / 2,
    }
    if how not in table:
        raise ValueError(f"unknown aggregate {how!r}; expected one of {sorted(table)}")
    return table[how]()


def _sentiment_metrics(truth: Sequence[str], scores: Sequence[float]) -> dict[str, float]:
    predicted = [sentiment_class(s) for s in scores]
    classes = ("negative", "neutral", "positive")
    return {
        "macro_f1": m.macro_f1(truth, predicted, classes),
        "accuracy": m.accuracy(truth, predicted),
        "uar": m.uar(truth, predicted, classes),
        "neg_f1": m.f1_for(truth, predicted, "negative"),
    }


def _satisfaction_metrics(
    truth: Sequence[int], scores: Sequence[float], thresholds: tuple[float, float], values: Sequence[float]
) -> dict[str, float]:
    predicted = [satisfaction_class(s, thresholds) for s in scores]
    # Spearman against the mean human rating when there is one, else against the 3-class label.
    target = values if values and not any(math.isnan(v) for v in values) else [float(t) for t in truth]
    return {
        "uar": m.uar(truth, predicted, (DISSATISFIED, NEUTRAL, SATISFIED)),
        "kappa": m.cohen_kappa(truth, predicted),
        "spearman": m.spearman(scores, target),
        "dissatisfied_f1": m.f1_for(truth, predicted, DISSATISFIED),
    }


def eval_sentiment(
    name: str, items: list[TextItem], model: SentimentModel, language: str, limit: int | None
) -> list[EvalRow]:
    """3-class customer sentiment; a second row for the high-agreement subset when the set marks one."""
    chosen = sample(items, lambda i: i.key, limit)
    scores = model.score([i.text for i in chosen], [language] * len(chosen))
    rows = [
        EvalRow(
            name,
            "sentiment (3-class)",
            language,
            len(chosen),
            _sentiment_metrics([i.label for i in chosen], scores),
        )
    ]
    confident = [(i.label, s) for i, s in zip(chosen, scores, strict=True) if i.group == "confident"]
    if confident:
        truth, subset = zip(*confident, strict=True)
        rows.append(
            EvalRow(
                name, "sentiment, confidence = 1", language, len(truth), _sentiment_metrics(truth, subset)
            )
        )
    return rows


def eval_satisfaction(
    name: str, dialogues: list[Dialogue], model: SentimentModel, language: str, family: str, limit: int | None
) -> list[EvalRow]:
    """Dissatisfaction per customer turn and per dialogue (aggregated turn scores)."""
    chosen = sample(dialogues, lambda d: d.key, limit)
    texts = [t.text for d in chosen for t in d.turns]
    flat = model.score(texts, [language] * len(texts))
    turn_truth: list[int] = []
    turn_scores: list[float] = []
    turn_values: list[float] = []
    dialogue_scores: list[float] = []
    predicted: list[float] = []
    ranking: dict[str, list[float]] = {"dissatisfaction": [], "mean": [], "end": []}
    position = 0
    for dialogue in chosen:
        scores = flat[position : position + len(dialogue.turns)]
        position += len(dialogue.turns)
        dialogue_scores.append(aggregate(scores))
        path = trajectory(list(scores))
        ranking["dissatisfaction"].append(dissatisfaction(scores))
        ranking["mean"].append(-(path.overall or 0.0))
        ranking["end"].append(-(path.end or 0.0))
        predicted.append(text_csat(path.overall, path.end) or 3.0)
        for turn, score in zip(dialogue.turns, scores, strict=True):
            if turn.label is not None:
                turn_truth.append(turn.label)
                turn_scores.append(score)
                turn_values.append(turn.value)
    turn_metrics = _satisfaction_metrics(turn_truth, turn_scores, TURN_THRESHOLDS[family], turn_values)
    dialogue_metrics = _satisfaction_metrics(
        [d.label for d in chosen], dialogue_scores, DIALOGUE_THRESHOLDS[family], [d.value for d in chosen]
    )
    return [
        EvalRow(name, "satisfaction per customer turn", language, len(turn_truth), turn_metrics),
        EvalRow(
            name, f"satisfaction per dialogue ({DIALOGUE_AGGREGATE})", language, len(chosen), dialogue_metrics
        ),
        EvalRow(
            name,
            "dissatisfied dialogues ranked (ROC-AUC), as exported",
            language,
            len(chosen),
            {
                f"auc_{how}": m.roc_auc([d.label == DISSATISFIED for d in chosen], values)
                for how, values in ranking.items()
            },
        ),
        EvalRow(
            name,
            "predicted CSAT per dialogue (1–5, words only)",
            language,
            len(chosen),
            _predicted_metrics(chosen, predicted),
        ),
    ]


def _predicted_metrics(chosen: Sequence[Dialogue], predicted: Sequence[float]) -> dict[str, float]:
    """Spearman against the rating (or the 3-class label); with ratings, the mean absolute error and that of
    always answering the mean rating (what a model must beat)."""
    values = [d.value for d in chosen]
    rated = [(p, v) for p, v in zip(predicted, values, strict=True) if not math.isnan(v)]
    if not rated:
        return {"spearman": round(m.spearman(list(predicted), [d.label for d in chosen]), 3)}
    truth = [v for _, v in rated]
    mean = sum(truth) / len(truth)
    return {
        "spearman": round(m.spearman([p for p, _ in rated], truth), 3),
        "mae": round(sum(abs(p - v) for p, v in rated) / len(rated), 3),
        "mae_of_mean": round(sum(abs(mean - v) for v in truth) / len(truth), 3),
    }


def eval_complaints(
    name: str, items: list[TextItem], model: SentimentModel, limit: int | None
) -> list[EvalRow]:
    """Complaint F1 and ROC-AUC, on all tweets and on the ones addressed to a company."""
    chosen = sample(items, lambda i: i.key, limit)
    scores = model.complaint([i.text for i in chosen], ["en"] * len(chosen))
    rows = []
    subsets: list[tuple[str, Callable[[TextItem], bool]]] = [
        ("complaint (all tweets)", lambda i: True),
        ("complaint (to a company)", lambda i: not i.group.startswith("random")),
    ]
    for task, keep in subsets:
        pairs = [(i.label == "1", s) for i, s in zip(chosen, scores, strict=True) if keep(i)]
        truth = [t for t, _ in pairs]
        values = [s for _, s in pairs]
        predicted = [s >= COMPLAINT_THRESHOLD for s in values]
        metrics = {"f1": m.f1_for(truth, predicted, True), "roc_auc": m.roc_auc(truth, values)}
        rows.append(EvalRow(name, task, "en", len(pairs), metrics))
    return rows


def eval_politeness(
    name: str, items: list[TextItem], model: SentimentModel, limit: int | None
) -> list[EvalRow]:
    """Spearman with the mean human politeness score; ROC-AUC of top vs bottom quartile (paper's protocol)."""
    chosen = sample(items, lambda i: i.key, limit)
    scores = model.politeness([i.text for i in chosen], ["en"] * len(chosen))
    human = [i.value for i in chosen]
    ordered = sorted(human) or [0.0]
    low, high = ordered[len(ordered) // 4], ordered[(3 * len(ordered)) // 4]
    extremes = [(h >= high, s) for h, s in zip(human, scores, strict=True) if h <= low or h >= high]
    metrics = {
        "spearman": m.spearman(scores, human),
        "quartile_auc": m.roc_auc([t for t, _ in extremes], [s for _, s in extremes]),
    }
    return [EvalRow(name, "politeness", "en", len(chosen), metrics)]
