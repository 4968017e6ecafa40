"""The standards page's controls (blend, factor, floor) and the cache of its analysis, through the app on a
real database: good values change the suggestion and the draft made from the page, bad ones are shown on
the page as O163 and change nothing; a report is computed once per data marker and again after any change
to the data it reads."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from callqa.audit.models import AuditRow
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.reweight_cache import ReportCache
from callqa.scoring.models import ScorecardRow
from insights_support import add
from reweight_support import NAME, START, build_centre
from web_support import Web

pytestmark = pytest.mark.issue(21)
MAY = {"scorecard": NAME, "since": "2026-05-01", "until": "2026-05-31"}
BOLD = {"blend": "1", "factor": "3", "floor": "0.01"}


@pytest.fixture
def centre(web: Web) -> Web:
    with web.db.factory.begin() as session:
        build_centre(session, teams=("Team North", "Team South"))
    refresh_insights(web.db.factory, InsightConfig(ZoneInfo("UTC")))
    return web


def _cache(web: Web) -> ReportCache:
    cache: ReportCache = web.app.state.reweight_reports
    return cache


def _draft_weights(web: Web) -> dict[str, float]:
    with web.db.factory() as session:
        source = session.scalar(select(ScorecardRow.source).where(ScorecardRow.origin == "draft"))
    assert source is not None
    weights = {}
    for line in source.splitlines():
        if line.strip().startswith("- id:"):
            current = line.split(":", 1)[1].split("#")[0].strip()
        elif line.strip().startswith("weight:"):
            weights[current] = float(line.split(":", 1)[1])
    return weights


def test_the_controls_move_the_suggestion_and_the_draft_keeps_them(centre: Web) -> None:
    admin = centre.signed_in("admin")
    usual: dict[str, Any] = admin.client.get("/api/insights/reweighting", params=MAY).json()
    bold: dict[str, Any] = admin.client.get("/api/insights/reweighting", params={**MAY, **BOLD}).json()
    assert {k: bold["policy"][k] for k in BOLD} == {"blend": 1.0, "factor": 3.0, "floor": 0.01}
    before = {c["criterion"]: c["suggested"] for c in usual["criteria"]}
    after = {c["criterion"]: c["suggested"] for c in bold["criteria"]}
    assert before["greeting"] == 10 and after["greeting"] == 14  # followed further (at most 3 × 5)
    assert sum(after.values()) == 100
    page = admin.client.get("/operations/standards", params={**MAY, **BOLD})
    assert page.status_code == 200
    assert 'name="blend" value="1"' in page.text and 'name="factor" value="3"' in page.text
    policy = re.search(r'data-test="policy">([^<]*)<', page.text)
    assert policy and "the weight now (0 %) with the criterion" in policy.group(1), page.text[-3000:]
    assert "measured effect (100 %), changes it at most 3 times" in policy.group(1)
    draft_form = re.search(r'data-test="draft-form">(.*?)</form>', page.text, re.S)
    assert draft_form and 'name="factor" value="3"' in draft_form.group(1)  # the draft keeps the controls
    controls_form = re.search(r'data-test="controls-form">(.*?)</form>', page.text, re.S)
    assert controls_form  # and the controls' own form keeps the view: the custom period, the scorecard
    assert 'name="since" value="2026-05-01"' in controls_form.group(1)
    assert f'name="scorecard" value="{NAME}"' in controls_form.group(1)
    assert 'name="blend" value="1"' in controls_form.group(1)
    made = admin.client.post(
        "/operations/standards/draft",
        data={**MAY, **BOLD, "base_hash": bold["base_hash"], "csrf_token": admin.csrf},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    assert _draft_weights(centre) == after
    with centre.db.factory() as session:
        audit = session.scalar(select(AuditRow).where(AuditRow.action == "reweight_draft"))
    assert audit is not None and audit.detail is not None and audit.detail["weights"] == after
    default = admin.client.get("/operations/standards", params=MAY)
    assert 'name="blend" value="0.5"' in default.text and 'name="floor" value="0.02"' in default.text


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"blend": "2"}, "blend must be between 0 and 1 (got 2.0)"),
        ({"factor": "0.5"}, "factor must be at least 1 (got 0.5)"),
        ({"floor": "abc"}, "floor must be a number (got abc)"),
        ({"blend": "nan"}, "blend must be a number (got nan)"),
        ({"factor": "inf"}, "factor must be a number (got inf)"),
    ],
)
def test_a_bad_value_is_shown_on_the_page_and_changes_nothing(
    centre: Web, bad: dict[str, str], says: str
) -> None:
    admin = centre.signed_in("admin")
    with centre.db.factory() as session:
        audits = len(list(session.scalars(select(AuditRow.id))))
    page = admin.client.get("/operations/standards", params={**MAY, **bad})
    assert page.status_code == 422
    assert "[O163]" in page.text and says in page.text and 'data-test="controls-error"' in page.text
    (name, value), *_ = bad.items()
    assert f'name="{name}" value="{value}"' in page.text  # the form keeps what was typed, to correct it
    assert 'data-test="standards"' not in page.text and 'data-test="create-draft"' not in page.text
    api = admin.client.get("/api/insights/reweighting", params={**MAY, **bad})
    assert api.status_code == 422 and "[O163]" in api.json()["detail"]
    draft = admin.client.post(
        "/operations/standards/draft",
        data={**MAY, **bad, "base_hash": "x", "csrf_token": admin.csrf},
        follow_redirects=False,
    )
    assert draft.status_code == 422 and "[O163]" in draft.text
    with centre.db.factory() as session:
        assert len(list(session.scalars(select(AuditRow.id)))) == audits  # nothing viewed, nothing made
        assert session.scalar(select(ScorecardRow.id).where(ScorecardRow.origin == "draft")) is None
    assert (_cache(centre).hits, _cache(centre).misses) == (0, 0)  # refused before any analysis


def test_a_report_is_computed_once_per_data_marker(centre: Web) -> None:
    admin = centre.signed_in("admin")
    cache = _cache(centre)
    first = admin.client.get("/api/insights/reweighting", params=MAY).json()
    assert (cache.hits, cache.misses) == (0, 1)
    assert admin.client.get("/operations/standards", params=MAY).status_code == 200
    assert admin.client.get("/api/insights/reweighting", params=MAY).json() == first
    assert (cache.hits, cache.misses) == (2, 1)
    admin.client.get("/api/insights/reweighting", params={**MAY, **BOLD})  # other parameters: computed
    admin.client.get("/api/insights/reweighting", params={**MAY, "team": "Team North"})
    assert (cache.hits, cache.misses) == (2, 3)
    # a new evaluation in May, then the refresh that brings its CSAT into the facts: computed afresh
    with centre.db.factory.begin() as session:
        card = session.scalar(select(ScorecardRow).where(ScorecardRow.name == NAME))
        assert card is not None
        outcomes = {"greeting": "pass", "script": "pass", "solution": "pass", "closing": "pass"}
        when = START + timedelta(days=20)
        add(session, card, when, score=90.0, csat=5.0, criteria=outcomes, customer="new")
    changed = admin.client.get("/api/insights/reweighting", params=MAY).json()
    assert cache.misses == 4
    refresh_insights(centre.db.factory, InsightConfig(ZoneInfo("UTC")))
    refreshed = admin.client.get("/api/insights/reweighting", params=MAY).json()
    assert cache.misses == 5
    assert (first["interactions"], changed["interactions"], refreshed["interactions"]) == (300, 300, 301)
    assert admin.client.get("/api/insights/reweighting", params=MAY).json() == refreshed
    assert cache.hits == 3
