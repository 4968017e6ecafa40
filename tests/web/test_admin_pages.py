"""The admin pages: the audit log (filters, paging, CSV export, the JSON API on the same query), the settings
page (sources, masked secrets, config sections), teams chosen from a list, and /api/docs offline."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.audit.service import record
from callqa.core.settings import Settings
from callqa.core.settings_report import Source, config_sections, describe
from callqa.users.models import TeamRow, UserRow
from callqa.web.app import create_app
from web_support import Web

pytestmark = pytest.mark.issue(19)


def _add_entries(web: Web) -> None:
    """Entries on known days: one old, a formula-looking detail, and a page's worth of views."""
    with web.db.factory.begin() as session:
        record(session, user_id=None, username="old.timer", action="delete", resource="hold", detail={"x": 1})
        record(
            session,
            user_id=None,
            username="mallory",
            action="export",
            resource="interaction",
            resource_id=7,
            detail={"note": '=HYPERLINK("x") refund 退款'},
        )
        for n in range(60):
            record(
                session, user_id=None, username="viewer", action="view", resource="report", detail={"n": n}
            )
    with web.db.factory.begin() as session:
        old = session.scalar(select(AuditRow).where(AuditRow.username == "old.timer"))
        assert old is not None
        old.at = datetime(2025, 1, 15, 12, tzinfo=UTC)


def test_the_audit_page_filters_pages_and_is_for_admins_only(web: Web) -> None:
    _add_entries(web)
    admin = web.signed_in("admin")
    for who in ("analyst", "sam.lead", "j.smith"):
        assert web.signed_in(who).client.get("/admin/audit").status_code == 403
        assert web.signed_in(who).client.get("/admin/audit.csv").status_code == 403
    first = admin.client.get("/admin/audit")
    assert first.status_code == 200
    rows = re.findall(r'<tr data-test="audit-entry"><td>([^<]+)</td><td>([^<]+)</td>', first.text)
    assert len(rows) == 50  # one page
    stamps = [r[0] for r in rows]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    assert 'data-test="older"' in first.text
    viewer = admin.client.get("/admin/audit", params={"user": "viewer", "page": 2})
    assert viewer.text.count('data-test="audit-entry"') == 10  # 60 entries: 50 + 10
    assert '<small data-test="total">60</small>' in viewer.text
    by_text = admin.client.get("/admin/audit", params={"text": "REFUND"})  # ignores case
    assert by_text.text.count('data-test="audit-entry"') == 1 and "mallory" in by_text.text
    by_chinese = admin.client.get("/admin/audit", params={"text": "退款"})  # non-ASCII, on both backends
    assert by_chinese.text.count('data-test="audit-entry"') == 1 and "mallory" in by_chinese.text
    dated = admin.client.get("/admin/audit", params={"start": "2025-01-15", "end": "2025-01-15"})
    assert dated.text.count('data-test="audit-entry"') == 1 and "old.timer" in dated.text
    # the pick-lists offer what the log holds
    assert '<option value="mallory"' in first.text and '<option value="delete"' in first.text


def test_bad_or_reversed_dates_are_a_coded_422(web: Web) -> None:
    admin = web.signed_in("admin")
    before = web.audit_count()
    reversed_ = admin.client.get("/admin/audit", params={"start": "2026-03-02", "end": "2026-03-01"})
    assert reversed_.status_code == 422 and "[A105]" in reversed_.text and "2026-03-01" in reversed_.text
    bad = admin.client.get("/api/audit", params={"start": "yesterday"})
    assert bad.status_code == 422 and "[A106]" in bad.json()["detail"] and "yesterday" in bad.json()["detail"]
    assert admin.client.get("/admin/audit.csv", params={"end": "2026-13-01"}).status_code == 422
    assert web.audit_count() == before  # a refused export is not recorded


def test_the_csv_export_holds_the_filtered_rows_formula_safe(web: Web) -> None:
    _add_entries(web)
    admin = web.signed_in("admin")
    response = admin.client.get("/admin/audit.csv", params={"resource": "interaction", "user": "mallory"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["username"] == "mallory" and row["resource_id"] == "7"
    assert row["detail"].startswith('{"note": "=HYPERLINK')  # JSON text: starts with '{', not a formula
    assert "退款" in row["detail"]
    everything = list(csv.DictReader(io.StringIO(admin.client.get("/admin/audit.csv").text)))
    with web.db.factory() as session:
        total = session.scalar(select(func.count(AuditRow.id)))
    assert len(everything) == total  # the whole log, not one page (the export's own entry comes after it)
    assert [r["at"] for r in everything] == sorted((r["at"] for r in everything), reverse=True)
    with web.db.factory() as session:
        last = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(2)).all()
    assert last[0].action == "export" and last[0].resource == "audit_log"
    assert last[0].detail == {}  # the unfiltered export


def test_the_json_api_uses_the_same_filters(web: Web) -> None:
    _add_entries(web)
    admin = web.signed_in("admin")
    found = admin.client.get("/api/audit", params={"user": "viewer", "limit": 5, "offset": 5}).json()
    assert [e["detail"]["n"] for e in found] == [54, 53, 52, 51, 50]
    one = admin.client.get("/api/audit", params={"resource": "interaction", "resource_id": "7"}).json()
    assert [e["username"] for e in one] == ["mallory"]
    assert web.signed_in("analyst").client.get("/api/audit").status_code == 403


def test_text_search_escapes_like_wildcards(web: Web) -> None:
    _add_entries(web)
    admin = web.signed_in("admin")
    assert admin.client.get("/api/audit", params={"text": "%"}).json() == []
    assert admin.client.get("/api/audit", params={"text": "_"}).json() == []


def test_settings_page_shows_every_setting_its_source_and_masks_secrets(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "callqa.yaml"
    config.write_text("scoring:\n  batch_size: 7\n", encoding="utf-8")
    monkeypatch.setenv("CALLQA_TIMEZONE", "Europe/Vilnius")
    monkeypatch.setenv("CALLQA_SMTP_PASSWORD", "hunter2-smtp")
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url="postgresql+psycopg://qa:s3cret-pw@db.example/callqa",
        secret_key=SecretStr("k" * 40),
        config_file=config,
    )
    lines = {line.name: line for line in describe(settings)}
    assert set(lines) == set(Settings.model_fields)
    assert lines["timezone"].source is Source.ENVIRONMENT and lines["timezone"].value == "Europe/Vilnius"
    assert lines["timezone"].from_environment
    assert lines["smtp_password"].secret and "hunter2" not in lines["smtp_password"].value
    assert lines["database_url"].source is Source.STARTUP and "s3cret" not in lines["database_url"].value
    assert lines["session_hours"].source is Source.DEFAULT and lines["session_hours"].value == "12.0"
    sections = {s.name: s for s in config_sections(settings)}
    assert sections["scoring"].source is Source.CONFIG_FILE and "batch_size: 7" in sections["scoring"].text
    assert sections["llm"].source is Source.DEFAULT

    app = create_app(settings.model_copy(update={"database_url": web.db.url}), engine=web.db.engine)
    admin = Web(web.db, app, settings).signed_in("admin")
    page = admin.client.get("/admin/settings")
    assert page.status_code == 200
    for secret in ("hunter2-smtp", "k" * 40):
        assert secret not in page.text
    assert 'data-setting="timezone" data-source="environment"' in page.text
    assert 'data-test="read-only"' in page.text and str(config) in page.text
    assert 'data-section="retention"' in page.text and "batch_size: 7" in page.text
    assert web.signed_in("analyst").client.get("/admin/settings").status_code == 403


def test_a_mistyped_team_is_refused_and_a_new_team_is_an_explicit_step(web: Web) -> None:
    admin = web.signed_in("admin")
    with web.db.factory() as session:
        teams_before = set(session.scalars(select(TeamRow.name)))
        team_before = session.scalar(select(UserRow.team_id).where(UserRow.username == "j.smith"))
    page = admin.client.get("/admin/users")
    assert '<option value="Team North"' in page.text and 'data-test="create-team"' in page.text
    typo = {"role": "agent", "team": "Team Nort", "active": "yes", "csrf_token": admin.csrf}
    refused = admin.client.post("/admin/users/j.smith", data=typo)
    assert refused.status_code == 422 and "[U103]" in refused.text
    assert "Team Nort" in refused.text and "did you mean &#39;Team North&#39;" in refused.text
    api = admin.client.patch(
        "/api/users/sam.lead", json={"leads": ["Team Sauth"]}, headers={"x-csrf-token": admin.csrf}
    )
    assert api.status_code == 422 and "[U103]" in api.json()["detail"]
    with web.db.factory() as session:
        assert set(session.scalars(select(TeamRow.name))) == teams_before  # nothing created
        assert session.scalar(select(UserRow.team_id).where(UserRow.username == "j.smith")) == team_before
    # the explicit step: create the team, then choose it
    created = admin.client.post("/admin/teams", data={"name": "Team Kaunas", "csrf_token": admin.csrf})
    assert created.status_code == 200  # followed the redirect back to the users page
    assert '<option value="Team Kaunas"' in created.text
    again = admin.client.post("/admin/teams", data={"name": "team kaunas", "csrf_token": admin.csrf})
    assert again.status_code == 409 and "[U104]" in again.text
    for name in ("Team Ąžuolas", "Team Ąžuolas"):  # non-ASCII: the second is refused, not a 500
        twice = admin.client.post("/api/teams", json={"name": name}, headers={"x-csrf-token": admin.csrf})
    assert twice.status_code == 409 and "[U104]" in twice.json()["detail"]
    moved = {**typo, "team": "Team Kaunas"}
    assert admin.client.post("/admin/users/j.smith", data=moved, follow_redirects=False).status_code == 303
    user = next(u for u in admin.client.get("/api/users").json() if u["username"] == "j.smith")
    assert user["team"] == "Team Kaunas"
    assert "Team Kaunas" in admin.client.get("/api/teams").json()
    assert web.signed_in("analyst").client.post("/admin/teams", data={"name": "X"}).status_code in (403, 422)


def test_the_users_page_posts_teams_led_from_a_multiple_choice(web: Web) -> None:
    admin = web.signed_in("admin")
    form = [
        ("role", "supervisor"),
        ("team", ""),
        ("leads", "Team North"),
        ("leads", "Team Vilnius"),
        ("active", "yes"),
        ("csrf_token", admin.csrf),
    ]
    body = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in form)
    response = admin.client.post(
        "/admin/users/sam.lead",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    user = next(u for u in admin.client.get("/api/users").json() if u["username"] == "sam.lead")
    assert user["leads"] == ["Team North", "Team Vilnius"]


def test_api_docs_work_offline(web: Web) -> None:
    client = web.client()
    for path in ("/api/docs", "/api/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assert not re.search(r"(src|href)=\"(https?:)?//", page.text), page.text  # no external URL
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'self'" in csp and "http" not in csp
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
            assert client.get(asset).status_code == 200, asset
    assert "/api/docs/assets/swagger-ui-bundle.js" in client.get("/api/docs").text
    assert "/api/docs/assets/redoc.standalone.js" in client.get("/api/redoc").text
    assert client.get("/api/openapi.json").status_code == 200
