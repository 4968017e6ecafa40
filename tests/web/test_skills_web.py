"""Skill profiles and routing over HTTP (callqa.web.routes.skills): what each role sees, the CSV and the
routing export (audited), the pages and the operations hub, bad input as coded errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, update

from callqa.audit.models import AuditRow
from callqa.core.settings import Settings
from callqa.demo.users import ensure_demo_users
from callqa.skills.exports import CSV_COLUMNS
from callqa.skills.service import CELL_COLUMNS
from callqa.users.models import UserRow
from callqa.web.app import create_app
from skills_support import NORTH, SOUTH, add_calls, two_teams
from support import Database
from web_support import login

pytestmark = pytest.mark.issue(21)


@pytest.fixture
def app_db(db: Database, tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    with db.factory.begin() as session:
        ensure_demo_users(session)
        add_calls(session, two_teams())
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield TestClient(create_app(settings, engine=db.engine)), db


def _as(client: TestClient, username: str) -> TestClient:
    login(client, username)
    return client


def _exports(db: Database) -> list[tuple[str, str, dict[str, object] | None]]:
    with db.factory() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.action == "export").order_by(AuditRow.id))
        return [(r.username, r.resource, r.detail) for r in rows]


def test_staff_see_every_agent_and_export_audited(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    admin = _as(client, "admin")
    found = admin.get("/api/skills", params={"kind": "reason"}).json()
    assert found["period"] == {"first": "2026-07-04", "last": "2026-10-01"}  # the last 90 days with data
    cells = found["cells"]
    assert {c["agent"] for c in cells} == {*NORTH, *SOUTH}
    assert {c["reason"] for c in cells} == {"card_lost", "refund"} and all(c["n"] == 12 for c in cells)
    assert all(1 <= c["level"] <= 5 and c["sentence"].startswith(f"Level {c['level']}:") for c in cells)
    table = admin.get("/api/skills", params={"kind": "reason", "format": "csv"})
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.text)))
    assert tuple(rows[0]) == CELL_COLUMNS and len(rows) == len(cells) + 1
    routing = admin.get("/api/routing").json()
    lost = next(r for r in routing["reasons"] if r["reason"] == "card_lost")
    assert lost["queue"] == "cards" and lost["volume"] == 60
    assert [a["rank"] for a in lost["agents"]] == [1, 2, 3, 4, 5]
    assert lost["agents"][0]["agent"] == "dee"  # the best scores: Team South's second agent
    exported = admin.get("/api/routing/export", params={"format": "csv"})
    assert exported.status_code == 200
    assert 'filename="routing-skills.csv"' in exported.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(exported.text)))
    assert tuple(lines[0]) == CSV_COLUMNS and len(lines) == 10  # 5 agents × 2 reasons
    assert {(r["skill"], r["queue"]) for r in lines} == {
        ("reason:card_lost", "cards"),
        ("reason:refund", "cards"),
    }
    assert (
        admin.get("/api/routing/formats").json()["formats"] == ["csv"]
        or "csv" in admin.get("/api/routing/formats").json()["formats"]
    )
    assert _exports(db) == [
        ("admin", "skills", {"kind": "reason", "rows": 10}),
        ("admin", "routing", {"format": "csv", "queue": None, "rows": 10}),
    ]
    for page in ("/operations/skills", "/operations/routing", "/operations"):
        assert admin.get(page).status_code == 200, page
    hub = admin.get("/operations").text
    assert 'data-test="op-skills"' in hub and 'data-test="op-routing"' in hub
    skills_page = admin.get("/operations/skills").text
    assert 'data-test="skills-csv"' in skills_page and all(f'data-agent="{a}"' in skills_page for a in SOUTH)


def test_a_supervisor_sees_their_teams(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    lead = _as(client, "sam.lead")
    cells = lead.get("/api/skills").json()["cells"]
    assert {c["agent"] for c in cells} == set(NORTH)
    assert lead.get("/api/skills", params={"team": "Team South"}).status_code == 403
    assert lead.get("/api/skills", params={"agent": "cy"}).status_code == 403
    assert {c["agent"] for c in lead.get("/api/skills", params={"agent": "bob"}).json()["cells"]} == {"bob"}
    ranked = {a["agent"] for r in lead.get("/api/routing").json()["reasons"] for a in r["agents"]}
    assert ranked == set(NORTH)
    exported = lead.get("/api/routing/export", params={"format": "csv"}).text
    assert {r["agent"] for r in csv.DictReader(io.StringIO(exported))} == set(NORTH)
    assert [(u, r) for u, r, _ in _exports(db)] == [("sam.lead", "routing")]
    page = lead.get("/operations/routing").text
    assert 'data-agent="bob"' in page and 'data-agent="cy"' not in page


def test_an_agent_sees_only_their_own_levels(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    agent = _as(client, "j.smith")
    cells = agent.get("/api/skills").json()["cells"]
    assert cells and {c["agent"] for c in cells} == {"j.smith"}
    assert agent.get("/api/skills", params={"agent": "bob"}).status_code == 403
    assert agent.get("/api/skills", params={"team": "Team North"}).status_code == 403
    assert agent.get("/api/skills", params={"format": "csv"}).status_code == 403
    assert agent.get("/api/routing").status_code == 403
    assert agent.get("/api/routing/export", params={"format": "csv"}).status_code == 403
    assert agent.get("/operations/routing").status_code == 403
    page = agent.get("/operations/skills").text
    assert 'data-agent="j.smith"' in page
    assert not any(f'data-agent="{a}"' in page for a in ("bob", "ann", *SOUTH))
    assert 'data-test="skills-csv"' not in page
    hub = agent.get("/operations").text
    assert 'data-test="op-skills"' in hub and 'data-test="op-routing"' not in hub
    assert _exports(db) == []


def test_bad_input_is_a_coded_error(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    admin = _as(client, "admin")
    backwards = admin.get("/api/skills", params={"since": "2026-10-05", "until": "2026-10-01"})
    assert backwards.status_code == 422 and "[O130]" in backwards.json()["detail"]
    kind = admin.get("/api/skills", params={"kind": "mood"})
    assert kind.status_code == 422 and "[O131]" in kind.json()["detail"] and "reason" in kind.json()["detail"]
    nobody = admin.get("/api/skills", params={"agent": "nobody"})
    assert (
        nobody.status_code == 422
        and "[O133]" in nobody.json()["detail"]
        and "nobody" in nobody.json()["detail"]
    )
    fmt = admin.get("/api/routing/export", params={"format": "xml"})
    assert fmt.status_code == 422 and "[O140]" in fmt.json()["detail"]
    assert _exports(db) == []  # nothing exported, nothing audited


def test_the_sentences_are_in_the_readers_language(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    with db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "sam.lead").values(locale="zh"))
    lead = _as(client, "sam.lead")
    page = lead.get("/operations/skills").text
    assert "等级" in page and "次交互（card_lost）" in page and "Level " not in page
    routing = lead.get("/operations/routing").text
    assert "次交互（refund）" in routing
    # the API speaks English whoever asks
    assert all(c["sentence"].startswith("Level ") for c in lead.get("/api/skills").json()["cells"])
