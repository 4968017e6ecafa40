"""Predicted CSAT (callqa.insights.predict): the words-only line, a centre model that learns the relation
its surveys show (with an honest cross-validated error), and the refresh filling every interaction."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import func, select

from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.models import InsightFactRow
from callqa.insights.predict import TEXT_INTERCEPT, features, fit, text_csat
from callqa.insights.refresh import InsightConfig, csat_model_summary, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from support import Database

pytestmark = pytest.mark.issue(7)


def test_the_words_only_line() -> None:
    assert text_csat(None, None) is None
    assert text_csat(0.0, 0.0) == pytest.approx(TEXT_INTERCEPT)
    assert text_csat(-1, -1) < text_csat(0, 0) < text_csat(1, 1)  # type: ignore[operator]
    assert text_csat(-9, -9) == 1.0 and text_csat(9, 9) == 5.0  # kept on the scale


def test_a_centre_model_learns_the_relation_and_reports_its_error() -> None:
    rng = np.random.default_rng(3)
    scores = rng.uniform(20, 100, 600)
    csat = np.clip(1 + 4 * (scores - 20) / 80 + rng.normal(0, 0.3, 600), 1, 5)
    model = fit([features(0.0, 0.0, s, False) for s in scores], list(csat))
    assert model.n == 600 and model.cv_mae < 0.35 and model.cv_spearman > 0.9
    low, high = model.predict([features(0.0, 0.0, 30.0, False), features(0.0, 0.0, 95.0, False)])
    assert low == pytest.approx(1.5, abs=0.3) and high == pytest.approx(4.75, abs=0.3)
    assert model.summary().startswith("n=600 mae=")


def test_the_refresh_predicts_for_every_scored_interaction(db: Database) -> None:
    with db.factory.begin() as session:
        generate_centre(
            session, CentreShape(count=1200, agents=12, teams=2, days=30, until=date(2026, 10, 31))
        )
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        summary = csat_model_summary(session)
        assert summary is not None and summary.startswith("n=")  # ~300 surveys: the centre's own model
        total = session.scalar(
            select(func.count()).select_from(InsightFactRow).where(InsightFactRow.predicted_csat.is_not(None))
        )
        assert total == 1200  # every interaction, surveyed or not
        october = dashboard.summary(session, InteractionQuery.on_days(date(2026, 10, 1), date(2026, 10, 31)))
        assert october.predicted_n == 1200 and 3 < (october.mean_predicted_csat or 0) < 5
        assert abs((october.mean_predicted_csat or 0) - (october.mean_csat or 0)) < 0.3
        mae = float(summary.split("mae=")[1].split()[0])
        assert mae < 0.8  # the synthetic CSAT follows the score, which the model sees
