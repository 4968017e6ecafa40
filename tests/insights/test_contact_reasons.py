"""Contact reasons over a period (callqa.insights.contact_reasons) on the synthetic centre: the rising
reason planted in its last 14 days, and handle-time baselines of good interactions per reason."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from callqa.core.query import InteractionQuery
from callqa.insights.contact_reasons import baselines, far_from_baseline, reason_titles, reason_volumes
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from support import Database

pytestmark = pytest.mark.issue(7)
LAST_14 = InteractionQuery.on_days(date(2026, 10, 18), date(2026, 10, 31))


@pytest.fixture
def centre(db: Database) -> Database:
    with db.factory.begin() as session:
        generate_centre(
            session, CentreShape(count=5000, agents=30, teams=3, days=60, until=date(2026, 10, 31))
        )
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    return db


def test_a_rising_reason_and_the_handle_time_baselines(centre: Database) -> None:
    with centre.factory() as session:
        volumes = {v.reason: v for v in reason_volumes(session, LAST_14)}
        titles = reason_titles(session, list(volumes))
        found = baselines(session, InteractionQuery.on_days(date(2026, 9, 2), date(2026, 10, 31)))
        far = far_from_baseline(
            session, InteractionQuery.on_days(date(2026, 9, 2), date(2026, 10, 31)), found
        )
    outage = volumes["online_banking_access"]
    assert outage.trend == "rising" and outage.change > 0.1 and outage.q < 0.001  # the app outage
    assert volumes["loan_mortgage"].trend in ("falling", "steady")
    assert "" in volumes  # interactions with no recognised reason are a row of their own
    assert abs(sum(v.share for v in volumes.values()) - 1) < 1e-9
    assert titles["loan_mortgage"] == "Loan or mortgage"
    voice = {b.reason: b for b in found if b.channel == "voice"}
    assert voice["loan_mortgage"].median_s > 1.25 * voice["card_lost_stolen"].median_s  # loans take longer
    assert all(b.good >= 10 and b.q1_s <= b.median_s <= b.q3_s for b in found)
    assert far and all(times > 1 for *_, times in far)
    assert far == sorted(far, key=lambda r: -r[4])
