"""Reports in the web app: the current dashboard downloaded as PDF or HTML, and report schedules managed
over the API and the page, each within the caller's scope."""

from __future__ import annotations

from typing import Any

import pytest

from callqa.insights.refresh import InsightConfig, refresh_insights
from reports_support import pdf_pages
from web_support import SignedIn, Web

pytestmark = [pytest.mark.issue(7), pytest.mark.timeout(180)]
PERIOD = {"since": "2026-08-01", "until": "2026-11-30"}


@pytest.fixture
def site(web: Web) -> Web:
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    return web


def api(who: SignedIn, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return who.client.request(method, url, json=body, headers={"x-csrf-token": who.csrf})


def test_the_dashboard_downloads_as_a_report(site: Web) -> None:
    lead = site.signed_in("sam.lead")
    pdf = lead.client.get("/insights/report.pdf", params={**PERIOD, "team": "Team North"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert (
        'filename="quality-team-Team-North-2026-08-01-2026-11-30.pdf"' in pdf.headers["content-disposition"]
    )
    text = pdf_pages(pdf.content, "web-report-team")[0].text
    assert "Quality report" in text and "Team North" in text
    html = lead.client.get("/insights/report.html", params={**PERIOD, "locale": "zh"})
    assert html.status_code == 200 and "质量报告" in html.text
    assert "Team Shanghai" not in html.text  # a supervisor's centre report holds their team only
    other = lead.client.get("/insights/report.pdf", params={**PERIOD, "team": "Team Shanghai"})
    assert other.status_code == 404
    agent = site.signed_in("j.smith")
    mine = agent.client.get("/insights/report.html", params={**PERIOD, "agent": "a.kim"})
    assert mine.status_code == 200 and "j.smith" in mine.text and "a.kim" not in mine.text


def test_schedules_over_the_api_and_the_page(site: Web) -> None:
    lead, analyst, agent = site.signed_in("sam.lead"), site.signed_in("analyst"), site.signed_in("j.smith")
    body = {
        "name": "North monthly",
        "scope": "team",
        "subject": "Team North",
        "cadence": "monthly",
        "recipients": ["lead@example.com"],
    }
    made = api(lead, "POST", "/api/reports/schedules", body)
    assert made.status_code == 201, made.text
    assert made.json()["next_run_at"].endswith("+00:00") and made.json()["attach"] == "pdf"
    refused = api(lead, "POST", "/api/reports/schedules", {**body, "subject": "Team Shanghai"})
    assert refused.status_code == 422 and "[P101]" in refused.json()["detail"]
    assert api(agent, "POST", "/api/reports/schedules", body).status_code == 403
    bad = api(lead, "POST", "/api/reports/schedules", {**body, "recipients": ["nobody"]})
    assert bad.status_code == 422
    assert [s["name"] for s in api(analyst, "GET", "/api/reports/schedules").json()] == ["North monthly"]
    assert api(site.signed_in("wang.fang"), "GET", "/api/reports/schedules").json() == []  # not theirs
    assert (
        api(analyst, "DELETE", f"/api/reports/schedules/{made.json()['id']}").status_code == 404
    )  # not theirs
    page = lead.client.get("/reports")
    assert page.status_code == 200 and "North monthly" in page.text and 'data-test="no-smtp"' in page.text
    form = {
        "name": "Centre weekly",
        "scope": "centre",
        "cadence": "weekly",
        "recipients": "a@x.org; b@x.org",
        "attach": "both",
        "locale": "zh",
        "hour": "6",
        "csrf_token": lead.csrf,
    }
    posted = lead.client.post("/reports", data=form, follow_redirects=False)
    assert posted.status_code == 303
    listed = api(lead, "GET", "/api/reports/schedules").json()
    assert [(s["name"], s["recipients"], s["hour"]) for s in listed][1] == (
        "Centre weekly",
        ["a@x.org", "b@x.org"],
        6,
    )
    wrong = lead.client.post("/reports", data={**form, "recipients": "x"}, follow_redirects=False)
    assert wrong.status_code == 422 and "not an e-mail address" in wrong.text
    assert api(lead, "DELETE", f"/api/reports/schedules/{made.json()['id']}").status_code == 204
    assert agent.client.get("/reports").status_code == 403
