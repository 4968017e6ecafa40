"""The insights dashboards over the scored demo data: who sees which view, the JSON API, and drill-down —
every linked mark on the page leads to exactly as many interactions as the mark counts."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest

from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(7)
PERIOD = {"since": "2026-08-01", "until": "2026-11-30"}
MARK = re.compile(
    r'<a href="(/interactions\?[^"]+)"><(?:g|rect|circle)[^>]*>(.*?)</(?:g|rect|circle)></a>', re.S
)
TITLE = re.compile(r"<title>([^<]*)</title>")


@pytest.fixture
def dashboards(web: Web) -> Web:
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    return web


def counted(title: str) -> int:
    """The number of interactions a mark's hover text states."""
    found = re.search(r"failed (\d+) of", title) or re.search(r"(\d+) interactions", title)
    assert found, title
    return int(found.group(1))


def linked_totals(who: SignedIn, page: str) -> list[tuple[str, int, int]]:
    """(hover text, what the mark counts, what its link lists) for every linked mark on ``page``."""
    out = []
    for href, inner in MARK.findall(page):
        title = TITLE.search(inner)
        assert title, inner
        text = html.unescape(title.group(1))
        params = dict(parse_qsl(urlsplit(html.unescape(href)).query))
        listed = who.client.get("/api/interactions", params={**params, "limit": 1})
        assert listed.status_code == 200, (href, listed.text)
        out.append((text, counted(text), listed.json()["total"]))
    return out


def test_every_mark_drills_down_to_the_interactions_it_counts(dashboards: Web) -> None:
    admin = dashboards.signed_in("admin")
    page = admin.client.get("/insights", params=PERIOD)
    assert page.status_code == 200
    marks = linked_totals(admin, page.text)
    kinds = {t.split(":")[0] for t, _, _ in marks}
    assert len(marks) > 40, kinds  # trend, volume, failures, histogram, heat map, channel/language/queue
    assert all(want == got for _, want, got in marks), [m for m in marks if m[1] != m[2]]
    assert any(t.startswith(("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ")) for t in kinds)
    assert any("judged" in t for t, _, _ in marks)  # criterion failure bars
    total = len(dashboards.ids())
    assert f'data-test="tile-n">{total}<' in page.text


def test_the_json_api_gives_the_same_figures(dashboards: Web) -> None:
    admin = dashboards.signed_in("admin")
    data = admin.client.get("/api/insights/dashboard", params=PERIOD).json()
    total = len(dashboards.ids())
    assert data["totals"]["n"] == total
    assert sum(p["n"] for p in data["trend"]) == total
    assert sum(data["score_distribution"]) == data["totals"]["scored"]
    assert sum(c["n"] for c in data["heat_map"]) == total
    assert sum(v["n"] for v in data["volume"]["language"]) == total
    assert sum(a["n"] for a in data["agents"]) == total
    one = data["agents"][0]
    mine = admin.client.get("/api/insights/dashboard", params={**PERIOD, "agent": one["agent"]}).json()
    assert mine["totals"]["n"] == one["n"] and mine["agents"] == []
    bad = admin.client.get("/api/insights/dashboard", params={"since": "2026-13-01"})
    assert bad.status_code == 422 and "since" in bad.json()["detail"]


def test_each_role_sees_only_its_own_scope(dashboards: Web) -> None:
    lead, agent = dashboards.signed_in("sam.lead"), dashboards.signed_in("j.smith")
    own = lead.client.get("/api/insights/dashboard", params=PERIOD).json()
    assert {a["team"] for a in own["agents"]} == {"Team North"}  # the centre view holds their team only
    assert (
        lead.client.get("/api/insights/dashboard", params={**PERIOD, "team": "Team Shanghai"}).status_code
        == 404
    )
    assert lead.client.get("/api/insights/dashboard", params={**PERIOD, "agent": "li.wei"}).status_code == 404
    assert (
        lead.client.get("/api/insights/dashboard", params={**PERIOD, "agent": "j.smith"}).status_code == 200
    )
    mine = agent.client.get("/api/insights/dashboard", params={**PERIOD, "agent": "a.kim"}).json()
    assert mine["filter"]["agent"] == "j.smith"  # an agent's dashboard is always their own
    expected = sum(1 for a in own["agents"] if a["agent"] == "j.smith")
    assert expected and mine["totals"]["n"] == next(a["n"] for a in own["agents"] if a["agent"] == "j.smith")
    page = agent.client.get("/insights", params=PERIOD)
    assert page.status_code == 200 and 'id="insight-agents"' not in page.text
    for _, want, got in linked_totals(agent, page.text):
        assert want == got  # an agent's drill-down lists their own interactions only


@pytest.fixture
def busy(web: Web) -> Web:
    """The demo data plus a synthetic centre of 3,000 scored interactions with planted causes."""
    with web.db.factory.begin() as session:
        shape = CentreShape(count=3000, agents=20, teams=2, days=60, until=date(2026, 10, 31))
        generate_centre(session, shape)
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    return web


def test_root_causes_page_json_and_csv_agree_and_drill_down(busy: Web) -> None:
    analyst = busy.signed_in("analyst")
    period = {"since": "2026-09-02", "until": "2026-10-31", "outcome": "low_score"}
    data = analyst.client.get("/api/insights/causes", params=period).json()
    top = [(d["dimension"], d["value"]) for d in data["drivers"][:3]]
    assert ("hour", "09:00") in top and ("tenure", "< 3 months") in top, top  # the planted causes
    first = next(d for d in data["drivers"] if d["dimension"] == "hour")
    assert first["finding"].startswith("Low score is ") and first["q"] <= 0.05
    listed = analyst.client.get(first["interactions"].replace("/interactions?", "/api/interactions?")).json()
    assert listed["total"] == first["hits"]  # the link lists exactly the low-scored 9 o'clock interactions
    table = analyst.client.get("/api/insights/causes.csv", params=period)
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [r["finding"] for r in rows] == [d["finding"] for d in data["drivers"]]
    page = analyst.client.get("/insights/causes", params=period)
    assert page.status_code == 200 and html.escape(first["finding"]) in page.text
    failed = analyst.client.get(
        "/api/insights/causes", params={**period, "outcome": "failed:solution_explained"}
    )
    assert failed.json()["drivers"][0]["value"] == "loans"
    wrong = analyst.client.get("/api/insights/causes", params={**period, "outcome": "nonsense"})
    assert wrong.status_code == 422 and "outcome 'nonsense'" in wrong.json()["detail"]
    agent = busy.signed_in("j.smith")
    own = agent.client.get("/api/insights/causes", params=period).json()
    assert own["filter"]["agent"] == "j.smith" and own["interactions"] <= 10


def test_qa_and_csat_page_and_api_with_quadrant_drill_down(busy: Web) -> None:
    analyst = busy.signed_in("analyst")
    period = {"since": "2026-09-02", "until": "2026-10-31"}
    data = analyst.client.get("/api/insights/csat", params=period).json()
    assert data["n"] > 500 and 0.3 < data["spearman"]["r"] < 1  # CSAT follows the score in this centre
    assert data["spearman"]["low"] < data["spearman"]["r"] < data["spearman"]["high"]
    assert sum(data["quadrants"].values()) + data["neutral"] == data["n"]
    assert data["predicted"]["model"].startswith("n=")  # enough surveys: the centre's own model
    assert data["predicted"]["predicted_n"] == data["predicted"]["n"]  # every interaction gets one
    moving = [c["criterion"] for c in data["criteria"] if c["moves_csat"]]
    assert "solution_explained" in moving
    page = analyst.client.get("/insights/csat", params=period)
    assert page.status_code == 200
    for name in ("compliant-unhappy", "noncompliant-happy"):
        href, shown = re.search(rf'data-test="{name}" href="([^"]+)"><b>(\d+)</b>', page.text).groups()  # type: ignore[union-attr]
        query = dict(parse_qsl(urlsplit(html.unescape(href)).query))
        listed = analyst.client.get("/api/interactions", params={**query, "limit": 1}).json()
        assert listed["total"] == int(shown) > 0, name  # the quadrant's link lists exactly its interactions
    bad = analyst.client.get("/api/interactions", params={"csat_band": "ecstatic"})
    assert bad.status_code == 422


def test_contact_reasons_page_and_api(busy: Web) -> None:
    analyst = busy.signed_in("analyst")
    period = {"since": "2026-10-18", "until": "2026-10-31"}
    data = analyst.client.get("/api/insights/reasons", params=period).json()
    outage = next(r for r in data["reasons"] if r["reason"] == "online_banking_access")
    assert outage["trend"] == "rising" and outage["title"] == "Online or mobile banking access"
    assert data["baselines"] and all(b["good"] >= 10 for b in data["baselines"])
    page = analyst.client.get("/insights/reasons", params=period)
    assert page.status_code == 200 and 'data-trend="rising"' in page.text
    for href, inner in MARK.findall(page.text):
        title = html.unescape(TITLE.search(inner).group(1))  # type: ignore[union-attr]
        query = dict(parse_qsl(urlsplit(html.unescape(href)).query))
        listed = analyst.client.get("/api/interactions", params={**query, "limit": 1}).json()
        assert listed["total"] == counted(title), (title, query)  # each bar lists its interactions
    topics = analyst.client.get("/api/insights/topics", params=period)
    assert topics.status_code == 200 and isinstance(topics.json()["topics"], list)
    assert analyst.client.get("/insights/topics", params=period).status_code == 200
