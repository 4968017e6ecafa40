"""The reweighting reports' cache (callqa.insights.reweight_cache) on a real database: the least recently
used report goes first, a changed policy is another report, and every kind of data change a report reads
gives a new data marker (an idle refresh does not); the controls' parsing (policy_from) refuses what is
not a finite number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from callqa.core.errors import CallqaError, ErrorCode
from callqa.insights.refresh import InsightConfig, refresh_insights, refreshed_at
from callqa.insights.reweight_cache import ReportCache, data_marker
from callqa.insights.reweight_draft import draft_version
from callqa.insights.reweight_weights import Policy, policy_from
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import EvaluationRow
from reweight_support import DAYS, NAME, build_centre
from support import Database

pytestmark = pytest.mark.issue(21)


def test_least_recently_used_goes_first_and_a_draft_changes_the_marker(db: Database) -> None:
    with db.factory.begin() as session:
        build_centre(session)
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    cache = ReportCache(size=2)
    usual, bold, loose = Policy(), Policy(blend=1.0), Policy(factor=4.0)
    with db.factory() as session:
        first = cache.report(session, NAME, DAYS, policy=usual)
        assert cache.report(session, NAME, DAYS, policy=usual) is first
        cache.report(session, NAME, DAYS, policy=bold)
        cache.report(session, NAME, DAYS, policy=usual)  # now the most recent: bold is the oldest
        cache.report(session, NAME, DAYS, policy=loose)  # evicts bold
        assert (cache.hits, cache.misses) == (2, 3)
        assert cache.report(session, NAME, DAYS, policy=usual) is first
        cache.report(session, NAME, DAYS, policy=bold)
        assert (cache.hits, cache.misses) == (3, 4)
        before = data_marker(session)
    with db.factory.begin() as session:
        draft_version(session, first)  # a new stored version of the scorecard
    with db.factory() as session:
        after_draft = data_marker(session)
        assert after_draft != before
        again = cache.report(session, NAME, DAYS, policy=usual)
    assert again is not first and again.base_hash == first.base_hash and cache.misses == 5
    # a refresh that finds nothing new (every change older than its look-back) leaves the marker be
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with db.factory.begin() as session:
        session.execute(update(InteractionRow).values(updated_at=hour_ago))
        session.execute(update(EvaluationRow).values(created_at=hour_ago))
    with db.factory() as session:
        idle = data_marker(session)
        refreshed = refreshed_at(session)
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        assert refreshed_at(session) != refreshed and data_marker(session) == idle
        assert cache.report(session, NAME, DAYS, policy=usual) is again
    # a survey arriving, folded in by the refresh: a new marker, a new report
    with db.factory.begin() as session:
        first_id = session.scalar(select(func.min(InteractionRow.id)))
        session.execute(
            update(InteractionRow)
            .where(InteractionRow.id == first_id)
            .values(csat=1.0, updated_at=datetime.now(UTC))
        )
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    with db.factory() as session:
        assert data_marker(session) != idle
        assert cache.report(session, NAME, DAYS, policy=usual) is not again


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "-inf", "1e999"])
def test_a_control_that_is_not_a_finite_number_is_refused(text: str) -> None:
    with pytest.raises(CallqaError) as caught:
        policy_from({"factor": text})
    assert caught.value.code is ErrorCode.O163
    assert f"factor must be a number (got {text})" in str(caught.value)


def test_blank_controls_are_the_defaults_and_bounds_still_hold() -> None:
    assert policy_from({"blend": " ", "factor": ""}) == Policy()
    assert policy_from({"blend": "0.25", "floor": "0"}) == Policy(blend=0.25, floor=0.0)
    with pytest.raises(CallqaError, match="blend must be between 0 and 1"):
        policy_from({"blend": "-0.1"})
