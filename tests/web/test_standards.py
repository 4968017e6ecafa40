"""The QA-standards page, its API and the draft it makes, per role, through the app (real database)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.scoring.models import ScorecardRow
from callqa.scoring.store import ScorecardStore
from reweight_support import NAME, YAML, build_centre
from web_support import Web

pytestmark = pytest.mark.issue(21)
MAY = {"scorecard": NAME, "since": "2026-05-01", "until": "2026-05-31"}


@pytest.fixture
def centre(web: Web) -> Web:
    with web.db.factory.begin() as session:
        build_centre(session, teams=("Team North", "Team South"))
    refresh_insights(web.db.factory, InsightConfig(ZoneInfo("UTC")))
    return web


def _versions(web: Web) -> list[tuple[int, str]]:
    with web.db.factory() as session:
        query = select(ScorecardRow.version, ScorecardRow.origin).where(ScorecardRow.name == NAME)
        return sorted((v, o) for v, o in session.execute(query))


def _audits(web: Web, action: str) -> list[AuditRow]:
    with web.db.factory() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action)))


def test_staff_see_the_standing_and_supervisors_their_teams(centre: Web) -> None:
    admin = centre.signed_in("admin")
    response = admin.client.get("/api/insights/reweighting", params=MAY)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    by = {c["criterion"]: c for c in body["criteria"]}
    assert (body["interactions"], body["surveyed"], body["version"]) == (300, 300, 1)
    assert by["greeting"]["suggested"] == 10 and by["script"]["suggested"] < 40
    assert sum(c["suggested"] for c in body["criteria"]) == 100
    assert by["greeting"]["verdict"] == "strongest" and by["greeting"]["csat"]["significant"]
    assert by["greeting"]["sentence"].startswith("weighted 5 % of the score but the strongest driver")
    assert body["correlation"]["after"]["r"] > body["correlation"]["before"]["r"]
    lead = centre.signed_in("sam.lead")  # leads Team North: half of the interactions
    seen = lead.client.get("/api/insights/reweighting", params=MAY).json()
    assert seen["interactions"] == 150
    views = _audits(centre, "view")
    assert [a.resource for a in views[-2:]] == ["standards", "standards"]
    page = admin.client.get("/operations/standards", params=MAY)
    assert page.status_code == 200
    assert 'data-test="create-draft"' in page.text and 'data-criterion="greeting"' in page.text
    assert "the strongest driver of CSAT" in page.text
    lead_page = lead.client.get("/operations/standards", params=MAY)
    assert lead_page.status_code == 200 and 'data-test="create-draft"' not in lead_page.text
    assert 'data-test="standards-link"' in admin.client.get("/operations").text
    wang = centre.signed_in("wang.fang")  # a supervisor who reads Chinese, leading neither team here
    chinese = wang.client.get("/operations/standards", params=MAY)
    assert chinese.status_code == 200 and "对照客户真正在意之处的质检标准" in chinese.text
    assert wang.client.get("/api/insights/reweighting", params=MAY).json()["interactions"] == 0


def test_agents_neither_see_nor_apply(centre: Web) -> None:
    agent = centre.signed_in("j.smith")
    assert agent.client.get("/api/insights/reweighting", params=MAY).status_code == 403
    assert agent.client.get("/operations/standards", params=MAY).status_code == 403
    assert 'data-test="standards-link"' not in agent.client.get("/operations").text
    body = {**MAY, "base_hash": "x"}
    assert agent.post("/api/insights/reweighting", json=body).status_code == 403  # type: ignore[attr-defined]
    lead = centre.signed_in("sam.lead")
    assert lead.post("/api/insights/reweighting", json=body).status_code == 403  # type: ignore[attr-defined]
    assert _versions(centre) == [(1, "editor")]


def test_applying_makes_a_draft_a_person_publishes_in_the_editor(centre: Web) -> None:
    analyst = centre.signed_in("analyst")
    report = analyst.client.get("/api/insights/reweighting", params=MAY).json()
    stale = analyst.post("/api/insights/reweighting", json={**MAY, "base_hash": "0" * 16})
    assert stale.status_code == 409  # type: ignore[attr-defined]
    assert _versions(centre) == [(1, "editor")]
    made = analyst.post("/api/insights/reweighting", json={**MAY, "base_hash": report["base_hash"]})
    assert made.status_code == 201, made.text  # type: ignore[attr-defined]
    draft = made.json()  # type: ignore[attr-defined]
    assert (draft["version"], draft["origin"]) == (2, "draft")
    assert _versions(centre) == [(1, "editor"), (2, "draft")]
    (audit,) = _audits(centre, "reweight_draft")
    assert audit.detail is not None and audit.detail["version"] == 2
    assert audit.detail["weights"]["greeting"] == 10
    # scoring keeps v1; the scorecard page lists the draft
    store = ScorecardStore(centre.db.factory)
    assert store.current(NAME).source_text == YAML
    page = analyst.client.get(f"/scorecards/{NAME}")
    assert 'data-test="draft"' in page.text and YAML.splitlines()[1] in page.text
    assert 'data-test="draft-note"' not in page.text  # the current version is shown by default
    assert 'data-test="draft-note"' in analyst.client.get(f"/scorecards/{NAME}?version=2").text
    # publishing: the editor's usual save of the draft's text
    saved = analyst.post("/api/scorecards", json={"yaml": draft["source"]})
    assert saved.status_code == 201 and saved.json() == {"name": NAME, "version": 2}  # type: ignore[attr-defined]
    assert _versions(centre) == [(1, "editor"), (2, "editor")]
    assert store.current(NAME).source_text == draft["source"]


def test_the_page_button_needs_its_csrf_token_and_leads_to_the_draft(centre: Web) -> None:
    admin = centre.signed_in("admin")
    report = admin.client.get("/api/insights/reweighting", params=MAY).json()
    form = {**MAY, "base_hash": report["base_hash"]}
    refused = admin.client.post("/operations/standards/draft", data=form, follow_redirects=False)
    assert refused.status_code == 403 and _versions(centre) == [(1, "editor")]
    sent = admin.client.post(
        "/operations/standards/draft",
        data={**form, "csrf_token": admin.csrf},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/scorecards/{NAME}?version=2"
    assert _versions(centre) == [(1, "editor"), (2, "draft")]
    with centre.db.factory() as session:
        assert session.scalar(select(func.count()).where(AuditRow.action == "reweight_draft")) == 1


def test_an_unknown_scorecard_is_a_404_naming_it(centre: Web) -> None:
    admin = centre.signed_in("admin")
    response = admin.client.get("/api/insights/reweighting", params={**MAY, "scorecard": "nope"})
    assert response.status_code == 404 and "[O160]" in response.json()["detail"]
    assert "'nope'" in response.json()["detail"]
