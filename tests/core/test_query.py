"""The one interaction query: local days, their instants, links that keep it, and what the dashboards
refuse rather than ignore."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from callqa.core.query import Days, InteractionQuery
from callqa.insights.dashboard import UnsupportedQuery, before, period
from callqa.interactions.queries import interaction_conditions

pytestmark = pytest.mark.issue(16)
VILNIUS = ZoneInfo("Europe/Vilnius")


def test_days_count_go_back_and_become_local_instants() -> None:
    march = Days(date(2026, 3, 1), date(2026, 3, 31))
    assert march.count() == 31
    assert march.before() == Days(date(2026, 1, 29), date(2026, 2, 28))
    start, end = march.instants(VILNIUS)
    # winter time (UTC+2) at the start, summer time (UTC+3) from 29 March: the local midnights
    assert start == datetime(2026, 2, 28, 22, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 21, tzinfo=UTC)
    with pytest.raises(ValueError, match="starts"):
        Days(date(2026, 3, 2), date(2026, 3, 1))


def test_in_zone_keeps_the_tighter_bound_and_links_leave_out_days_and_scope() -> None:
    query = InteractionQuery.on_days(
        date(2026, 3, 1), date(2026, 3, 31), team="North", teams=frozenset({"North", "South"})
    )
    later = datetime(2026, 3, 10, tzinfo=UTC)
    listed = query.but(since=later).in_zone(VILNIUS)
    assert listed.days is None and listed.since == later
    assert listed.until == datetime(2026, 3, 31, 21, tzinfo=UTC)
    assert listed.as_params() == {
        "since": later.isoformat(),
        "until": "2026-04-01T00:00:00+03:00",  # local midnight, as the dashboard drew it
        "team": "North",
    }
    assert before(query).days == Days(date(2026, 1, 29), date(2026, 2, 28))
    assert before(query).team == "North"


def test_a_query_over_local_days_is_not_read_as_instants() -> None:
    with pytest.raises(ValueError, match="in_zone"):
        interaction_conditions(InteractionQuery.on_days(date(2026, 3, 1), date(2026, 3, 2)))
    assert len(interaction_conditions(InteractionQuery(teams=frozenset({"North"})))) == 1


def test_dashboards_refuse_what_their_roll_ups_do_not_keep() -> None:
    march = InteractionQuery.on_days(date(2026, 3, 1), date(2026, 3, 31))
    assert period(march.but(agent="ann", channel="chat", teams=frozenset({"x"}))).count() == 31
    with pytest.raises(UnsupportedQuery, match="language, min_score"):
        period(march.but(language="lt", min_score=50.0))
    with pytest.raises(UnsupportedQuery, match="local days"):
        period(InteractionQuery(team="North"))
