"""Plain language for managers (issue 19): dashboards titled for their scope, no change without an earlier
period, findings as sentences with an interval (statistics one click away), metric names in words,
explanations without raw similarities, e-mails with their subject and send times — in English and Chinese."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user
from qa_support import demo_interactions
from web_support import SignedIn, Web, login

pytestmark = [pytest.mark.issue(19), pytest.mark.db]

EMAIL = "a3f9c1e2-6b4d-4e0a-9f1a-0c2d7e8b5a61@example.org"
PASSWORD = "a long password for zh"


def _refreshed(web: Web) -> None:
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))


def _chinese_analyst(web: Web) -> SignedIn:
    with web.db.factory.begin() as session:
        create_user(
            session,
            UserCreate(
                username="qa.zh",
                display_name="质检",
                password=PASSWORD,
                role=UserRole.QA_ANALYST,
                locale="zh",
            ),
        )
    client = web.client()
    return SignedIn(client, login(client, "qa.zh", PASSWORD))


def _scope(page: str) -> str:
    found = re.search(r'data-test="scope">(.*?)\s*·', page, re.S)
    assert found, page[:500]
    return html.unescape(found.group(1)).strip()


def test_a_dashboard_is_titled_for_its_scope(web: Web) -> None:
    _refreshed(web)
    period = {"since": "2026-09-01", "until": "2026-10-31"}
    lead = web.signed_in("sam.lead")
    assert _scope(lead.client.get("/insights", params=period).text) == "Team North"
    picked = lead.client.get("/insights", params={**period, "team": "Team North"}).text
    assert _scope(picked) == "Team North" and "Team Team" not in picked
    assert "All my teams" in picked
    chinese = web.signed_in("wang.fang").client.get("/insights", params=period).text
    assert _scope(chinese) == "Team Shanghai, Team Taipei" and "整个中心" not in _scope(chinese)
    assert _scope(web.signed_in("analyst").client.get("/insights", params=period).text) == "Whole centre"
    one = web.signed_in("analyst").client.get("/insights", params={**period, "agent": "a.kim"}).text
    assert _scope(one) == "Agent a.kim"


def test_no_earlier_period_means_no_change_is_shown(web: Web) -> None:
    _refreshed(web)
    period = {"since": "2026-09-01", "until": "2026-10-31"}  # the demo data starts in September
    page = web.signed_in("analyst").client.get("/insights/reasons", params=period).text
    assert "no earlier period to compare" in page
    assert " pp</td>" not in page and "steady" not in page
    api = web.signed_in("analyst").client.get("/api/insights/reasons", params=period).json()
    assert {r["trend"] for r in api["reasons"]} == {"new"} and {r["change"] for r in api["reasons"]} == {None}
    chinese = web.signed_in("wang.fang").client.get("/insights/reasons", params=period).text
    assert "没有可比较的上一周期" in chinese


def test_findings_read_as_sentences_with_an_interval_and_the_statistics_one_click_away(web: Web) -> None:
    with web.db.factory.begin() as session:
        generate_centre(
            session, CentreShape(count=3000, agents=20, teams=2, days=60, until=date(2026, 10, 31))
        )
    _refreshed(web)
    period = {"since": "2026-09-02", "until": "2026-10-31", "outcome": "low_score"}
    page = web.signed_in("analyst").client.get("/insights/causes", params=period).text
    findings = page.split('data-test="findings">')[1].split("</ul>")[0]
    sentence = re.search(
        r"Low score: \d+ % when the hour is 09:00, \d+ points more than the rest \(\d+–\d+\)", findings
    )
    assert sentence, findings[:800]
    assert not re.search(r"\de-\d", findings) and "q ≤" not in findings  # no q-values in the sentences
    statistics = page.split('data-test="statistics">')[1].split("</details>")[0]
    assert "<summary>Statistics</summary>" in statistics and re.search(r"\d\.\de-\d+", statistics)
    chinese = _chinese_analyst(web).client.get("/insights/causes", params=period).text
    zh_findings = chinese.split('data-test="findings">')[1].split("</ul>")[0]
    assert re.search(r"低分：时段为 09:00 时为 \d+ %，比其余交互高 \d+ 个百分点（\d+–\d+）", zh_findings), (
        zh_findings[:800]
    )
    assert "<summary>统计明细</summary>" in chinese

    csat = web.signed_in("analyst").client.get("/insights/csat", params=period).text
    effects = csat.split('data-test="effects">')[1].split("</ul>")[0]
    assert re.search(r"When “[^”]+” fails, CSAT is \d\.\d lower \(\d\.\d–\d\.\d on the 1–5 scale\)", effects)
    assert "δ" not in effects and not re.search(r"\de-\d", effects)  # no Cliff's δ, no q-value
    assert "Cliff's δ" in html.unescape(csat.split('data-test="statistics">')[1])


def _with_note(web: Web, fragment: str) -> tuple[int, str]:
    """An interaction whose current evaluation explains a criterion with ``fragment``, and that note."""
    with web.db.factory() as session:
        row = session.execute(
            select(EvaluationRow.interaction_id, CriterionResultRow.explanation)
            .join(CriterionResultRow, CriterionResultRow.evaluation_id == EvaluationRow.id)
            .where(EvaluationRow.is_current.is_(True), CriterionResultRow.explanation.contains(fragment))
            .order_by(EvaluationRow.interaction_id)
            .limit(1)
        ).one()
    return row[0], row[1]


def test_explanations_and_metrics_in_words(web: Web) -> None:
    ident, note = _with_note(web, "(closest ")
    admin = web.signed_in("admin")
    page = admin.client.get(f"/interactions/{ident}").text
    shown = re.findall(r'data-test="explanation">(.*?)</p>', page, re.S)
    assert any("nothing said came close to the examples" in html.unescape(s) for s in shown)
    assert not any("closest 0." in s or "≈" in s for s in shown)  # the raw similarity is in the details
    details = page.split('data-test="explanation-details"', 1)[1]
    assert str(escape(note)) in details  # the note as stored, one click away
    metrics = page.split('data-test="metrics">')[1].split("</table>")[0]
    assert re.search(r"<th>Agent talk share</th><td class=\"num\">\d+ %</td>", metrics)
    assert "agent_talk_share" not in metrics and "agent talk share" not in metrics
    chinese = _chinese_analyst(web).client.get(f"/interactions/{ident}").text
    assert "没有说出与示例相近的话" in chinese and "坐席说话占比" in chinese and "判定依据" in chinese


def test_an_email_shows_its_subject_and_each_messages_send_time(web: Web) -> None:
    doc = demo_interactions()[EMAIL]
    assert doc.started_at is not None and doc.subject
    ident = web.ids()[EMAIL]
    sent = [
        (doc.started_at + timedelta(milliseconds=t.start_ms)).strftime("%Y-%m-%d %H:%M")
        for t in doc.turns
        if t.start_ms is not None
    ]
    assert len(sent) >= 2 and max(t.start_ms or 0 for t in doc.turns) > 3_600_000  # hours apart
    for client, subject_word in (
        (web.signed_in("admin").client, "Subject"),
        (_chinese_analyst(web).client, "主题"),
    ):
        page = client.get(f"/interactions/{ident}").text
        assert f"<b>{subject_word}:</b> {html.escape(doc.subject)}" in page
        times = re.findall(r'data-test="sent" datetime="[^"]+" title="[^"]+">([^<]+)</time>', page)
        assert times == sent
        assert not re.search(r"<time>\d+:\d\d:\d\d</time>", page)  # no offsets such as 43:23:14
