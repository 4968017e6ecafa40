"""Predicted CSAT for every interaction, so unsurveyed ones count too (seed 003).

Two models, on the 1–5 scale:

* **From the words** (always available): the customer's sentiment over the interaction and at its end,
  mapped to CSAT by a line fitted on the USS English development dialogues (rating 1–5); see
  docs/accuracy.md for how well that does on USS English and JDDC.
* **The centre's own** (once it has ``MIN_SURVEYS`` surveyed interactions): a ridge regression from the
  sentiment, the QA score and auto-fail to the CSAT its customers actually gave, with its error measured by
  5-fold cross-validation before it is used; it replaces the words-only model for that centre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.stats import spearman
from callqa.insights.models import InsightFactRow

F = InsightFactRow
# CSAT ≈ A + B × overall sentiment + C × sentiment at the end (least squares, USS English dev, 400 dialogues)
TEXT_INTERCEPT = 3.03
TEXT_OVERALL = 0.656
TEXT_END = 0.319
MIN_SURVEYS = 200
MAX_TRAINING = 50_000  # the latest surveyed interactions a centre model learns from
L2 = 1.0
Vector = npt.NDArray[np.float64]


def clip(value: float) -> float:
    return float(min(5.0, max(1.0, value)))


def text_csat(overall: float | None, end: float | None) -> float | None:
    """CSAT from the customer's words alone (None when nothing the customer said was scored)."""
    if overall is None:
        return None
    return clip(TEXT_INTERCEPT + TEXT_OVERALL * overall + TEXT_END * (end if end is not None else overall))


def features(
    sentiment: float | None, end: float | None, score: float | None, auto_failed: bool | None
) -> list[float]:
    """What the centre model reads: sentiment overall and at the end, the score (0–1; 0.7 when unscored)
    and whether it was scored and auto-failed."""
    s = sentiment if sentiment is not None else 0.0
    return [
        s,
        end if end is not None else s,
        (score if score is not None else 70.0) / 100,
        1.0 if auto_failed else 0.0,
        0.0 if score is not None else 1.0,
    ]


@dataclass(frozen=True)
class CsatModel:
    mean: Vector
    scale: Vector
    weights: Vector
    bias: float
    n: int  # surveyed interactions it was fitted on
    cv_mae: float  # 5-fold cross-validated mean absolute error (1–5 scale)
    cv_spearman: float

    def predict(self, rows: Sequence[Sequence[float]]) -> list[float]:
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        return [clip(v) for v in x @ self.weights + self.bias]

    def summary(self) -> str:
        return f"n={self.n} mae={self.cv_mae:.3f} rho={self.cv_spearman:.3f}"


def _ridge(x: Vector, y: Vector) -> tuple[Vector, Vector, Vector, float]:
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    bias = float(y.mean())
    weights = np.linalg.solve(z.T @ z + L2 * np.eye(z.shape[1]), z.T @ (y - bias))
    return mean, scale, weights, bias


def fit(rows: Sequence[Sequence[float]], csat: Sequence[float]) -> CsatModel:
    """A centre model with its 5-fold cross-validated error (folds by position: rows come in time order)."""
    x, y = np.asarray(rows, dtype=np.float64), np.asarray(csat, dtype=np.float64)
    predicted = np.zeros_like(y)
    folds = np.arange(len(y)) % 5
    for k in range(5):
        train, test = folds != k, folds == k
        mean, scale, w, b = _ridge(x[train], y[train])
        predicted[test] = np.clip(((x[test] - mean) / scale) @ w + b, 1, 5)
    mean, scale, w, b = _ridge(x, y)
    mae = float(np.abs(predicted - y).mean())
    rho = spearman(predicted, y).r if len(set(y)) > 1 and len(set(predicted)) > 1 else 0.0
    return CsatModel(mean, scale, w, b, len(y), mae, rho)


def centre_model(session: Session, *, min_surveys: int = MIN_SURVEYS) -> CsatModel | None:
    """The centre's model from its latest surveyed interactions, or None with too few of them."""
    query = (
        select(F.sentiment, F.sentiment_end, F.score, F.auto_failed, F.csat)
        .where(F.csat.is_not(None))
        .order_by(F.day.desc(), F.interaction_id.desc())
        .limit(MAX_TRAINING)
    )
    rows = [(features(s, e, sc, af), float(c)) for s, e, sc, af, c in session.execute(query) if c is not None]
    if len(rows) < min_surveys:
        return None
    return fit([r for r, _ in reversed(rows)], [c for _, c in reversed(rows)])
