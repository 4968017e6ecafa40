"""The scenario library through the app (TestClient over SQLite and PostgreSQL): an analyst builds, edits,
archives and reads key points; an agent reads the scripts without key points and may not build."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from callqa.core.settings import Settings
from callqa.training.models import ScenarioRow, ScenarioVersionRow
from callqa.web.app import create_app
from scenario_support import EN_CARD_CALL, FA_CALL
from support import Database
from training_support import content
from web_support import SignedIn, Web, csrf_of, seed

CARD = "4111 1111 1111 1111"


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    seed(db)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield Web(db, create_app(settings, engine=db.engine), settings)


def _count(web: Web) -> tuple[int, int]:
    with web.db.factory() as session:
        scenarios = session.scalar(select(func.count()).select_from(ScenarioRow)) or 0
        versions = session.scalar(select(func.count()).select_from(ScenarioVersionRow)) or 0
    return int(scenarios), int(versions)


def _build(analyst: SignedIn, interaction: int) -> dict[str, object]:
    response = analyst.post(f"/api/scenarios/from-interaction/{interaction}")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    return response.json()  # type: ignore[attr-defined, no-any-return]


def test_an_analyst_builds_and_an_agent_reads_without_key_points(web: Web) -> None:
    ids = web.ids()
    analyst, agent = web.signed_in("analyst"), web.signed_in("j.smith")
    built = _build(analyst, ids[EN_CARD_CALL])
    scenario = built["id"]
    steps = [s for script in built["content"]["scripts"] for s in script["steps"]]  # type: ignore[index]
    assert any(s["key_point"] for s in steps) and built["source_interaction_id"] == ids[EN_CARD_CALL]

    seen = agent.client.get(f"/api/scenarios/{scenario}").json()
    assert all(s["key_point"] == "" for script in seen["content"]["scripts"] for s in script["steps"])
    assert "source_interaction_id" not in seen and "versions" not in seen
    page = agent.client.get(f"/training/scenarios/{scenario}").text
    assert 'data-test="key-point"' not in page and 'data-test="source"' not in page
    assert 'data-test="act-point"' in page and "Are you actually listening to me?" in page
    assert 'data-test="key-point"' in analyst.client.get(f"/training/scenarios/{scenario}").text
    assert (
        'data-test="practise-2"'
        not in web.signed_in("sam.lead").client.get(f"/training/scenarios/{scenario}").text
    )
    started = agent.post(
        "/training/practice", data={"scenario_id": scenario, "level": 2}, follow_redirects=False
    )
    assert 'data-test="practise-2"' in page and started.status_code == 303  # type: ignore[attr-defined]

    before = _count(web)
    for refused in (
        agent.post(f"/api/scenarios/from-interaction/{ids[FA_CALL]}"),
        agent.post(f"/training/scenarios/from-interaction/{ids[FA_CALL]}", data={"csrf_token": agent.csrf}),
        agent.post("/api/scenarios", json={"title": "x", "content": content().as_json()}),
        web.signed_in("sam.lead").post(f"/api/scenarios/from-interaction/{ids[FA_CALL]}"),
    ):
        assert refused.status_code == 403  # type: ignore[attr-defined]
    assert agent.client.get("/api/scenarios/suggestions").status_code == 403
    assert agent.client.get("/training/scenarios/suggestions").status_code == 403
    assert _count(web) == before
    listed = agent.client.get("/api/scenarios", params={"language": "en"}).json()["scenarios"]
    assert [s["id"] for s in listed] == [scenario]


def test_versions_from_the_api_and_the_editor_are_checked_and_redacted(web: Web) -> None:
    ids = web.ids()
    analyst = web.signed_in("analyst")
    scenario = _build(analyst, ids[FA_CALL])["id"]
    bad = content().as_json()
    bad["scripts"][0]["steps"][0]["criteria"] = ["not_a_criterion"]
    before = _count(web)
    refused = analyst.client.put(
        f"/api/scenarios/{scenario}", json={"content": bad}, headers={"x-csrf-token": analyst.csrf}
    )
    assert refused.status_code == 422 and "not_a_criterion" in refused.json()["detail"]
    assert _count(web) == before

    edit = analyst.client.get(f"/training/scenarios/{scenario}/edit").text
    form = {
        "csrf_token": csrf_of(edit),
        "language": "fa",
        "tags": "greeting, fa",
        "note": "shorter",
        "l1-start": "a",
        "l1-brief": "یک مشتری ناراضی",
        "l1-0-id": "a",
        "l1-0-customer": f"کارت من {CARD} است",
        "l1-0-mood": "calm",
        "l1-0-criteria": "greeting",
        "l1-0-key_point": "سلام با نام بانک",
        "l1-0-on_pass": "",
        "l1-0-on_miss": "b",
        "l1-1-id": "b",
        "l1-1-customer": "جواب بدهید!",
        "l1-1-mood": "angry",
    }
    saved = analyst.client.post(f"/training/scenarios/{scenario}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with web.db.factory() as session:
        stored = session.scalars(
            select(ScenarioVersionRow.content).where(ScenarioVersionRow.version == 2)
        ).one()
    assert "4111" not in json.dumps(stored, ensure_ascii=False)
    assert [s["id"] for s in stored["scripts"][0]["steps"]] == ["a", "b"]

    wrong = analyst.client.post(f"/training/scenarios/{scenario}/edit", data={**form, "l1-1-mood": "furious"})
    assert wrong.status_code == 422 and "T106" in wrong.text and "level 1, step 2" in wrong.text
    seen = analyst.client.get(f"/api/scenarios/{scenario}").json()
    assert seen["version"] == 2 and [v["note"] for v in seen["versions"]] == [
        "shorter",
        f"built from interaction {ids[FA_CALL]}",
    ]


def test_archive_filters_and_the_pages_per_role(web: Web) -> None:
    ids = web.ids()
    analyst, agent = web.signed_in("analyst"), web.signed_in("j.smith")
    scenario = _build(analyst, ids[FA_CALL])["id"]
    page = analyst.client.get(f"/interactions/{ids[EN_CARD_CALL]}").text
    assert 'data-test="build-scenario"' in page
    passed = analyst.client.get(f"/interactions/{ids['en-call-01']}").text  # nothing failed: nothing to build
    assert 'id="criteria"' in passed and 'data-test="build-scenario"' not in passed
    assert (
        'data-test="build-scenario"'
        not in web.signed_in("sam.lead").client.get(f"/interactions/{ids[EN_CARD_CALL]}").text
    )

    archived = analyst.post(
        f"/training/scenarios/{scenario}/state", data={"state": "archived"}, follow_redirects=False
    )
    assert archived.status_code == 303  # type: ignore[attr-defined]
    assert agent.client.get(f"/training/scenarios/{scenario}").status_code == 404
    assert agent.client.get("/api/scenarios", params={"state": "archived"}).status_code == 403
    assert analyst.client.get("/api/scenarios").json()["scenarios"] == []
    kept = analyst.client.get("/api/scenarios", params={"state": "archived", "tag": "greeting"}).json()
    assert [s["id"] for s in kept["scenarios"]] == [scenario]
    assert "T108" in analyst.client.get("/api/scenarios", params={"state": "gone"}).json()["detail"]

    hub = agent.client.get("/training").text
    assert 'data-test="hub-library"' in hub and 'data-test="hub-practice"' in hub
    assert 'data-test="hub-suggestions"' not in hub
    assert 'data-test="hub-suggestions"' in analyst.client.get("/training").text
    suggestions = analyst.client.get("/training/scenarios/suggestions").text
    assert 'data-test="build-hold_etiquette"' in suggestions
    api = analyst.client.get("/api/scenarios/suggestions", params={"limit": 3}).json()
    assert len(api["suggestions"]) == 3 and api["suggestions"][0]["criterion"] == "hold_etiquette"
