"""Erasure, legal holds and retention in the web app (issue 18): admin only, through the access policies;
a held customer's erasure is refused with the hold named and nothing changed; the retention page shows the
policies and what the next run would remove; the server applies retention on its schedule."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from callqa.audit.models import AuditRow
from callqa.core.config import CallqaConfig, RetentionConfig
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.web.app import create_app
from web_support import Web, csrf_of, login

pytestmark = pytest.mark.issue(18)
CUSTOMER = "tom.hughes@example.com"


def _customer_rows(web: Web) -> int:
    with web.db.factory() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(InteractionRow).where(InteractionRow.customer == CUSTOMER)
            )
            or 0
        )


def _json(response: Any) -> Any:
    return response.json()


def test_only_an_admin_may_erase_hold_or_see_retention(web: Web) -> None:
    analyst = web.signed_in("analyst")
    audits = web.audit_count()
    assert analyst.client.get("/admin/retention").status_code == 403
    refused = analyst.post("/api/erasures", json={"customer": CUSTOMER})
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert analyst.client.get("/api/holds").status_code == 403
    hold = analyst.post("/api/holds", json={"scope": "agent", "value": "a.kim", "reason": "x"})
    assert hold.status_code == 403  # type: ignore[attr-defined]
    assert _customer_rows(web) == 1 and web.audit_count() == audits


def test_an_admin_erases_a_customer_unless_held(web: Web) -> None:
    admin = web.signed_in("admin")
    dry = _json(admin.post("/api/erasures", json={"customer": " Tom.Hughes@example.com ", "dry_run": True}))
    assert dry["dry_run"] is True and dry["interactions"] == 1 and dry["rows"]["turns"] > 0
    assert _customer_rows(web) == 1

    hold = admin.post("/api/holds", json={"scope": "customer", "value": CUSTOMER, "reason": "case 12"})
    assert hold.status_code == 201  # type: ignore[attr-defined]
    held = _json(hold)
    assert CUSTOMER not in str(held) and held["scope"] == "customer"
    assert [h["id"] for h in _json(admin.client.get("/api/holds"))] == [held["id"]]
    refused = admin.post("/api/erasures", json={"customer": CUSTOMER})
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "[D101]" in _json(refused)["detail"] and "case 12" in _json(refused)["detail"]
    assert _customer_rows(web) == 1

    assert (
        admin.client.delete(f"/api/holds/{held['id']}", headers={"x-csrf-token": admin.csrf}).status_code
        == 204
    )
    assert admin.client.delete("/api/holds/99999", headers={"x-csrf-token": admin.csrf}).status_code == 404
    done = admin.post("/api/erasures", json={"customer": CUSTOMER})
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    certificate = _json(done)
    assert certificate["interactions"] == 1 and certificate["dry_run"] is False
    assert _customer_rows(web) == 0
    with web.db.factory() as session:
        row = session.scalars(select(AuditRow).where(AuditRow.action == "erasure")).one()
        actions = set(session.scalars(select(AuditRow.action)))
    assert row.username == "admin" and row.detail["interactions"] == 1 and CUSTOMER not in str(row.detail)
    assert {"hold_add", "hold_remove", "erasure"} <= actions


def test_the_retention_page_and_its_forms(web: Web) -> None:
    config = CallqaConfig(
        retention=RetentionConfig.model_validate(
            {"transcript_text": 30, "rules": [{"name": "old-chat", "channel": "chat", "interactions": 40}]}
        )
    )
    app = create_app(web.settings.with_config(config), engine=web.db.engine)
    client = TestClient(app)
    csrf = login(client, "admin")
    page = client.get("/admin/retention")
    assert page.status_code == 200
    assert 'data-rule="old-chat"' in page.text and 'data-kind="transcript_text"' in page.text
    with web.db.factory() as session:
        turns = session.scalar(select(func.count()).select_from(TurnRow))
    assert turns  # the preview (a dry run) removed nothing
    erased = client.post("/admin/erasures", data={"csrf_token": csrf, "customer": CUSTOMER, "dry_run": "yes"})
    assert erased.status_code == 200 and 'data-dry-run="yes"' in erased.text
    held = client.post(
        "/admin/holds",
        data={"csrf_token": csrf_of(page.text), "scope": "agent", "value": "a.kim", "reason": "tribunal"},
        follow_redirects=False,
    )
    assert held.status_code == 303
    page = client.get("/admin/retention")
    assert "tribunal" in page.text
    bad = client.post(
        "/admin/holds", data={"csrf_token": csrf, "scope": "planet", "value": "x", "reason": "y"}
    )
    assert bad.status_code == 422
    refused = client.post("/admin/erasures", data={"csrf_token": csrf, "customer": CUSTOMER})
    assert refused.status_code == 409 and "[D101]" in refused.text  # the agent's calls are held
    assert _customer_rows(web) == 1


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_server_applies_retention_on_its_schedule(web: Web) -> None:
    config = CallqaConfig(retention=RetentionConfig(transcript_text=1))
    settings = web.settings.model_copy(update={"retention_run_s": 3600.0}).with_config(config)
    app = create_app(settings, engine=web.db.engine)
    with TestClient(app) as client:
        assert "retention" in [job.name for job in app.state.background]
        deadline = time.monotonic() + 30
        audits: list[AuditRow] = []
        while time.monotonic() < deadline and not audits:
            time.sleep(0.2)
            with web.db.factory() as session:
                audits = list(session.scalars(select(AuditRow).where(AuditRow.action == "retention")))
        login(client, "admin")
        page = client.get(f"/interactions/{web.ids()['en-call-01']}")
        assert page.status_code == 200 and 'data-test="text-removed"' in page.text  # says so, and when
        assert 'class="turn' not in page.text
    assert audits and audits[0].username == "retention" and audits[0].client == "scheduler"
    assert audits[0].resource == "transcript_text" and audits[0].detail["items"] > 0
    with web.db.factory() as session:
        assert session.scalar(select(func.count()).select_from(TurnRow)) == 0  # every demo call is older


def test_bad_hold_and_erasure_requests_are_refused_with_a_code(web: Web) -> None:
    admin = web.signed_in("admin")
    audits = web.audit_count()
    bodies = [
        ("/api/holds", {"scope": "interaction", "value": "9" * 30, "reason": "x"}, "[D102]"),
        ("/api/holds", {"scope": "interaction", "value": "12a", "reason": "x"}, "[D102]"),
        # a NUL anywhere in a request is refused before any handler (W101)
        ("/api/holds", {"scope": "agent", "value": "a\x00b", "reason": "x"}, "[W101]"),
        ("/api/holds", {"scope": "customer", "value": "x", "reason": "a\x00"}, "[W101]"),
        ("/api/erasures", {"customer": "tom\x00@example.com"}, "[W101]"),
        ("/api/holds", {"scope": "agent", "value": "a\x01b", "reason": "x"}, "[D102]"),
        ("/api/erasures", {"customer": "   "}, "[D100]"),
    ]
    for url, body, code in bodies:
        response = admin.post(url, json=body)
        assert response.status_code == 422, (url, body)  # type: ignore[attr-defined]
        assert code in response.text, response.text  # type: ignore[attr-defined]
    assert web.audit_count() == audits and _customer_rows(web) == 1
