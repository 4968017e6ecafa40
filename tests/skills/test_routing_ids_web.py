"""Routing-system ids over HTTP (callqa.web.routes.routing_ids) and reason titles in the skills and routing
API, CSV and pages: who may read and change the ids, the routing page's section and its forms, the exports
filled from the stored ids (valid against the schemas), every change audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from pydantic import SecretStr
from sqlalchemy import func, select, update

from callqa.audit.models import AuditRow
from callqa.core.settings import Settings
from callqa.demo.users import ensure_demo_users
from callqa.insights.models import InsightFactRow
from callqa.scoring.models import AnalysisRow
from callqa.skills.export_schemas import schema
from callqa.skills.models import RoutingIdRow
from callqa.users.models import UserRow
from callqa.web.app import create_app
from skills_support import NORTH, SOUTH, add_calls, two_teams
from support import Database
from web_support import csrf_of, login

pytestmark = [pytest.mark.issue(21), pytest.mark.db]

TITLES = {"card_lost": "Lost or stolen card", "refund": "退款"}
UUIDS = {agent: f"00000000-0000-4000-8000-{i:012d}" for i, agent in enumerate((*NORTH, *SOUTH), start=1)}
CARDS = "cccccccc-0000-4000-8000-000000000001"


@pytest.fixture
def app_db(db: Database, tmp_path: Path) -> Iterator[tuple[TestClient, Database]]:
    with db.factory.begin() as session:
        ensure_demo_users(session)
        add_calls(session, two_teams())
        for reason, title in TITLES.items():  # the title the reason analyzer recorded, on one call each
            first = session.scalar(
                select(func.min(InsightFactRow.interaction_id)).where(InsightFactRow.reason == reason)
            )
            data = {"reason": {"id": reason, "title": title}}
            session.add(
                AnalysisRow(
                    interaction_id=first,
                    pipeline="test",
                    interaction_hash="",
                    data=data,
                    created_at=datetime.now(UTC),
                )
            )
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield TestClient(create_app(settings, engine=db.engine)), db


def _signed_in(client: TestClient, username: str) -> dict[str, str]:
    """The CSRF header of ``username``'s session (the API takes it for writes made with the cookie)."""
    return {"x-csrf-token": login(client, username)}


def _stored(db: Database) -> set[tuple[str, str, str, str]]:
    with db.factory() as session:
        rows = session.scalars(select(RoutingIdRow))
        return {(r.system, r.kind, r.callqa_name, r.external_id) for r in rows}


def _audited(db: Database) -> list[tuple[str, str]]:
    with db.factory() as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.resource == "routing_id").order_by(AuditRow.id)
        )
        return [(r.username, r.action) for r in rows]


def test_an_admin_keeps_the_ids_and_the_exports_use_them(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    csrf = _signed_in(client, "admin")
    for agent in ("j.smith", "bob", "cy"):
        body = {"system": "connect", "kind": "user", "callqa_name": agent, "external_id": UUIDS[agent]}
        put = client.put("/api/routing/ids", json=body, headers=csrf)
        assert put.status_code == 200 and put.json() == body | {"warnings": []}
    queue = {"system": "connect", "kind": "queue", "callqa_name": "cards", "external_id": CARDS}
    assert client.put("/api/routing/ids", json=queue, headers=csrf).status_code == 200
    skill = {"system": "genesys", "kind": "reason", "callqa_name": "card_lost", "external_id": "Lost cards"}
    assert client.put("/api/routing/ids", json=skill, headers=csrf).status_code == 200
    listed = client.get("/api/routing/ids", params={"system": "connect"}).json()
    assert listed["systems"] == {"connect": ["queue", "reason", "user"], "genesys": ["reason", "user"]}
    assert [i["callqa_name"] for i in listed["ids"]] == ["cards", "bob", "cy", "j.smith"]

    connect = client.get("/api/routing/export", params={"format": "amazon-connect"}).json()
    Draft202012Validator(schema("amazon-connect")).validate(connect)
    assert sorted(u["UserId"] for u in connect["users"]) == sorted(UUIDS[a] for a in ("j.smith", "bob", "cy"))
    assert connect["unmappedAgents"] == ["ann", "dee"] and connect["unmappedQueues"] == []
    assert {
        c["QueueReference"]["QueueId"] for p in connect["routingProfiles"] for c in p["QueueConfigs"]
    } == {CARDS}
    genesys = client.get("/api/routing/export", params={"format": "genesys"}).json()
    Draft202012Validator(schema("genesys")).validate(genesys)
    assert genesys["skills"] == [{"name": "Lost cards"}, {"name": "reason:refund"}]
    assert genesys["users"] == [] and len(genesys["unmappedAgents"]) == 5  # no Genesys user ids yet

    table = client.get("/api/routing/export", params={"format": "csv", "system": "connect"}).text
    filled = {(r["agent"], r["external_id"]) for r in csv.DictReader(io.StringIO(table))}
    assert filled == {(a, UUIDS[a]) for a in ("j.smith", "bob", "cy")} | {("ann", ""), ("dee", "")}
    other = client.get("/api/routing/export", params={"format": "genesys", "system": "connect"})
    assert other.status_code == 422 and "[O139]" in other.json()["detail"]
    gone = client.delete(
        "/api/routing/ids", params={"system": "connect", "kind": "user", "callqa_name": "cy"}, headers=csrf
    )
    assert gone.status_code == 204
    again = client.delete(
        "/api/routing/ids", params={"system": "connect", "kind": "user", "callqa_name": "cy"}, headers=csrf
    )
    assert again.status_code == 404 and "[O149]" in again.json()["detail"]
    assert ("connect", "user", "cy", UUIDS["cy"]) not in _stored(db)
    assert _audited(db) == [("admin", "set")] * 5 + [("admin", "delete")]


def test_bad_ids_are_refused_and_nothing_changes(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    csrf = _signed_in(client, "admin")
    cases = {
        "O134": {"system": "avaya", "kind": "user", "callqa_name": "bob", "external_id": UUIDS["bob"]},
        "O135": {"system": "genesys", "kind": "queue", "callqa_name": "cards", "external_id": CARDS},
        "O136": {"system": "connect", "kind": "user", "callqa_name": "bob", "external_id": "bob@example.com"},
    }
    for code, body in cases.items():
        refused = client.put("/api/routing/ids", json=body, headers=csrf)
        assert refused.status_code == 422 and f"[{code}]" in refused.json()["detail"], code
    first = {"system": "connect", "kind": "user", "callqa_name": "bob", "external_id": UUIDS["bob"]}
    assert client.put("/api/routing/ids", json=first, headers=csrf).status_code == 200
    taken = client.put("/api/routing/ids", json=first | {"callqa_name": "ann"}, headers=csrf)
    assert (
        taken.status_code == 409 and "[O138]" in taken.json()["detail"] and "'bob'" in taken.json()["detail"]
    )
    assert _stored(db) == {("connect", "user", "bob", UUIDS["bob"])}
    assert _audited(db) == [("admin", "set")]


def test_csv_upload_through_the_api_and_the_page(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    csrf = _signed_in(client, "admin")
    data = (
        "system,kind,callqa_name,external_id\n"
        f"connect,user,bob,{UUIDS['bob']}\n"
        "connect,user,ann,nope\n"
        f"genesys,user,dee,{UUIDS['dee']}\n"
    ).encode()
    loaded = client.post(
        "/api/routing/ids/import", files={"file": ("ids.csv", data, "text/csv")}, headers=csrf
    )
    assert loaded.status_code == 200
    report = loaded.json()
    assert report["file"] == "ids.csv" and report["loaded"] == 2
    assert len(report["errors"]) == 1 and report["errors"][0].startswith("[O147] ids.csv, row 3: [O136]")
    unreadable = client.post(
        "/api/routing/ids/import",
        files={"file": ("x.csv", b"system,kind\nconnect,user\n", "text/csv")},
        headers=csrf,
    )
    assert (
        unreadable.status_code == 422
        and "[O148] x.csv: no column callqa_name, external_id" in unreadable.text
    )

    page = client.get("/operations/routing")
    token = csrf_of(page.text)
    assert 'data-test="routing-ids"' in page.text and 'data-test="set-id-form"' in page.text
    assert f"<code>{UUIDS['bob']}</code>" in page.text
    again = b"system,kind,callqa_name,external_id\nconnect,queue,cards,not-a-queue\n"
    shown = client.post(
        "/operations/routing/ids/import",
        data={"csrf_token": token},
        files={"file": ("more.csv", again, "text/csv")},
    )
    assert shown.status_code == 200 and 'data-test="ids-report"' in shown.text
    assert "[O147] more.csv, row 2: [O136]" in shown.text
    form = {
        "csrf_token": token,
        "system": "connect",
        "kind": "queue",
        "callqa_name": "cards",
        "external_id": CARDS,
    }
    saved = client.post("/operations/routing/ids", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#routing-ids")
    wrong = client.post("/operations/routing/ids", data=form | {"external_id": "cards"})
    assert wrong.status_code == 422 and 'data-test="ids-error"' in wrong.text and "[O136]" in wrong.text
    delete = {"csrf_token": token, "system": "genesys", "kind": "user", "callqa_name": "dee"}
    assert (
        client.post("/operations/routing/ids/delete", data=delete, follow_redirects=False).status_code == 303
    )
    assert _stored(db) == {("connect", "user", "bob", UUIDS["bob"]), ("connect", "queue", "cards", CARDS)}
    assert [a for _, a in _audited(db)] == ["import", "import", "set", "delete"]


@pytest.mark.parametrize("username", ["sam.lead", "analyst"])
def test_supervisors_and_analysts_read_the_ids_but_do_not_change_them(
    app_db: tuple[TestClient, Database], username: str
) -> None:
    client, db = app_db
    with db.factory.begin() as session:
        now = datetime.now(UTC)
        for kind, name, ext in (
            ("user", "bob", UUIDS["bob"]),
            ("user", "cy", UUIDS["cy"]),
            ("queue", "cards", CARDS),
        ):
            session.add(
                RoutingIdRow(system="connect", kind=kind, callqa_name=name, external_id=ext, updated_at=now)
            )
    csrf = _signed_in(client, username)
    # bob is in Team North (sam.lead's), cy in Team South
    readable = ["cards", "bob"] if username == "sam.lead" else ["cards", "bob", "cy"]
    assert [i["callqa_name"] for i in client.get("/api/routing/ids").json()["ids"]] == readable
    body = {"system": "connect", "kind": "user", "callqa_name": "ann", "external_id": UUIDS["ann"]}
    assert client.put("/api/routing/ids", json=body, headers=csrf).status_code == 403
    params = {"system": "connect", "kind": "user", "callqa_name": "bob"}
    assert client.delete("/api/routing/ids", params=params, headers=csrf).status_code == 403
    files = {"file": ("ids.csv", b"system,kind,callqa_name,external_id\n", "text/csv")}
    assert client.post("/api/routing/ids/import", files=files, headers=csrf).status_code == 403
    page = client.get("/operations/routing").text
    assert f"<code>{UUIDS['bob']}</code>" in page and f"<code>{CARDS}</code>" in page
    assert (f"<code>{UUIDS['cy']}</code>" in page) is (username == "analyst")
    assert 'data-test="set-id-form"' not in page and 'data-test="delete-id"' not in page
    form = {"csrf_token": csrf_of(page), "system": "connect", "kind": "user", "callqa_name": "ann"}
    assert (
        client.post("/operations/routing/ids", data=form | {"external_id": UUIDS["ann"]}).status_code == 403
    )
    assert len(_stored(db)) == 3 and _audited(db) == []


def test_agents_get_403_everywhere(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    csrf = _signed_in(client, "j.smith")
    assert client.get("/api/routing/ids").status_code == 403
    body = {"system": "connect", "kind": "user", "callqa_name": "j.smith", "external_id": UUIDS["j.smith"]}
    assert client.put("/api/routing/ids", json=body, headers=csrf).status_code == 403
    params = {"system": "connect", "kind": "user", "callqa_name": "j.smith"}
    assert client.delete("/api/routing/ids", params=params, headers=csrf).status_code == 403
    files = {"file": ("ids.csv", b"system,kind,callqa_name,external_id\n", "text/csv")}
    assert client.post("/api/routing/ids/import", files=files, headers=csrf).status_code == 403
    assert _stored(db) == set() and _audited(db) == []


def test_reasons_are_shown_by_title_and_keep_their_id(app_db: tuple[TestClient, Database]) -> None:
    client, _ = app_db
    login(client, "admin")
    cells = client.get("/api/skills", params={"kind": "reason"}).json()["cells"]
    assert {(c["reason"], c["reason_title"]) for c in cells} == set(TITLES.items())
    assert all(f"interactions ({TITLES[c['reason']]})" in c["sentence"] for c in cells)
    table = client.get("/api/skills", params={"kind": "reason", "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {(r["reason"], r["reason_title"]) for r in rows} == set(TITLES.items())
    routing = client.get("/api/routing").json()["reasons"]
    assert {(r["reason"], r["reason_title"]) for r in routing} == set(TITLES.items())
    assert all(f"({TITLES[r['reason']]})" in a["sentence"] for r in routing for a in r["agents"])
    page = client.get("/operations/routing").text
    assert 'title="card_lost">Lost or stolen card</span>' in page and 'title="refund">退款</span>' in page
    assert "(Lost or stolen card)" in page  # the sentences name the reason by its title too
    skills = client.get("/operations/skills").text
    assert 'title="card_lost">Lost or stolen card</td>' in skills


def test_the_section_speaks_the_readers_language(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    with db.factory.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "admin").values(locale="fa"))
    login(client, "admin")
    page = client.get("/operations/routing").text
    assert "شناسه‌های سامانه مسیریابی" in page and "هنوز شناسه‌ای از سامانه مسیریابی ثبت نشده است." in page
    assert "Routing-system ids" not in page


GHOST = "99999999-0000-4000-8000-000000000009"


def test_names_callqa_does_not_know_are_stored_with_a_warning(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    csrf = _signed_in(client, "admin")
    body = {"system": "connect", "kind": "user", "callqa_name": "zed", "external_id": GHOST}
    put = client.put("/api/routing/ids", json=body, headers=csrf)
    assert put.status_code == 200 and put.json() == body | {
        "warnings": [
            "[O171] routing ids (connect): agent 'zed': known to no user and on no interaction; "
            "stored all the same (a typo?)"
        ]
    }
    known = {"system": "genesys", "kind": "reason", "callqa_name": "refund", "external_id": "Refunds"}
    assert client.put("/api/routing/ids", json=known, headers=csrf).json()["warnings"] == []
    with db.factory.begin() as session:  # a reason an analysis found, not yet in the insight facts
        last = session.scalar(select(func.max(InsightFactRow.interaction_id)))  # one with no analysis yet
        data = {"reason": {"id": "pin_reset", "title": "PIN reset"}}
        session.add(
            AnalysisRow(
                interaction_id=last,
                pipeline="p2",
                interaction_hash="",
                data=data,
                created_at=datetime.now(UTC),
            )
        )
    analysed = known | {"callqa_name": "pin_reset", "external_id": "PIN"}
    assert client.put("/api/routing/ids", json=analysed, headers=csrf).json()["warnings"] == []
    sheet = (
        "system,kind,callqa_name,external_id\n"
        f"connect,user,bob,{UUIDS['bob']}\n"
        f"connect,queue,cards,{CARDS}\n"
        "connect,queue,crads,cccccccc-0000-4000-8000-000000000002\n"
        "genesys,reason,card_lots,Lost cards\n"
        "genesys,reason,card_lost,Lost cards\n"
    ).encode()
    files = {"file": ("ids.csv", sheet, "text/csv")}
    report = client.post("/api/routing/ids/import", files=files, headers=csrf).json()
    assert report["loaded"] == 5 and report["errors"] == []
    assert report["warnings"] == [
        "[O171] routing ids (connect): queue 'crads': on no interaction; stored all the same (a typo?)",
        "[O171] routing ids (genesys): contact reason 'card_lots': the contact reason of no interaction; "
        "stored all the same (a typo?)",
    ]
    assert ("connect", "queue", "crads", "cccccccc-0000-4000-8000-000000000002") in _stored(db)

    token = csrf_of(client.get("/operations/routing").text)
    form = {"csrf_token": token, "system": "genesys", "kind": "user", "callqa_name": "j.smiht"}
    page = client.post("/operations/routing/ids", data=form | {"external_id": GHOST})
    assert page.status_code == 200 and 'data-test="ids-warnings"' in page.text
    assert "agent &#39;j.smiht&#39;: known to no user and on no interaction" in page.text
    shown = client.post(
        "/operations/routing/ids/import", data={"csrf_token": token}, files={"file": ("more.csv", sheet)}
    )
    assert 'data-test="ids-warnings"' in shown.text and "queue &#39;crads&#39;" in shown.text
    fine = form | {"callqa_name": "j.smith", "external_id": UUIDS["j.smith"]}
    assert client.post("/operations/routing/ids", data=fine, follow_redirects=False).status_code == 303
    assert ("genesys", "user", "j.smiht", GHOST) in _stored(db)
    assert [a for _, a in _audited(db)] == ["set", "set", "set", "import", "set", "import", "set"]


def test_an_upload_over_5_mb_is_refused_with_the_upload_code(app_db: tuple[TestClient, Database]) -> None:
    client, db = app_db
    csrf = _signed_in(client, "admin")
    huge = b"system,kind,callqa_name,external_id\n" + b"#" * (5 * 1024 * 1024)
    refused = client.post(
        "/api/routing/ids/import", files={"file": ("big.csv", huge, "text/csv")}, headers=csrf
    )
    assert refused.status_code == 413
    assert refused.json()["detail"] == "[O170] upload 'big.csv': larger than 5 MB"
    token = csrf_of(client.get("/operations/routing").text)
    page = client.post(
        "/operations/routing/ids/import", data={"csrf_token": token}, files={"file": ("big.csv", huge)}
    )
    assert page.status_code == 413 and "[O170] upload &#39;big.csv&#39;: larger than 5 MB" in page.text
    assert _stored(db) == set() and _audited(db) == []
