"""A report in plain words (issue 19): a supervisor's report is titled with their teams, and a period with no
earlier data to compare says so instead of showing changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.reports.build import ReportRequest, ReportSettings, build_report
from callqa.reports.render import report_html
from insights_support import add, scorecard
from support import Database

pytestmark = [pytest.mark.issue(19), pytest.mark.db]
ZONE = ZoneInfo("UTC")


def test_a_first_period_has_nothing_to_compare_and_a_supervisors_report_names_their_teams(
    db: Database,
) -> None:
    with db.factory.begin() as session:
        card = scorecard(session)
        for day, score in ((3, 40), (10, 60), (17, 80)):
            add(session, card, datetime(2026, 10, day, 10, tzinfo=UTC), score=score, team="Team North")
    refresh_insights(db.factory, InsightConfig(ZONE))
    request = ReportRequest(
        "centre", None, date(2026, 10, 1), date(2026, 10, 31), teams=frozenset({"Team North"})
    )
    assert request.title() == "Team North"
    with db.factory() as session:
        context = build_report(session, request, ReportSettings(ZONE))
    assert context["compared"] is False
    english = report_html(context, "en")
    assert "Quality report · Team North" in english and "Whole centre" not in english
    first, last = context["previous"]  # the 31 days before
    assert f"No interactions in {first} – {last}: no earlier period to compare." in english
    assert 'class="up"' not in english and 'class="down"' not in english  # no change against nothing
    chinese = report_html(context, "zh")
    assert "没有可比较的上一周期" in chinese
    centre = ReportRequest("centre", None, date(2026, 10, 1), date(2026, 10, 31))
    with db.factory() as session:
        whole = report_html(build_report(session, centre, ReportSettings(ZONE)), "en")
    assert "Quality report · Whole centre" in whole
