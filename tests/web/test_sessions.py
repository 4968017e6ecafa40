"""Server-side web sessions (issue 18): the cookie holds only a random id, the server can end a session —
sign-out, sign out everywhere (one's own, or an admin for a user), a new password, a deactivated user — and
a session expires when idle or old; every revocation is audited with who did it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select, update

from callqa.audit.models import AuditRow
from callqa.core.settings import Settings
from callqa.users.models import SessionRow, UserRow
from callqa.users.service import set_password
from callqa.users.sessions import digest
from callqa.web.app import create_app
from callqa.web.sessions import COOKIE
from support import Database
from web_support import SignedIn, Web, csrf_of, login, seed

pytestmark = pytest.mark.issue(18)


def _cookie(signed: SignedIn) -> str:
    value = signed.client.cookies.get(COOKIE)
    assert value
    return value


def _revocations(web: Web) -> list[AuditRow]:
    with web.db.factory() as session:
        query = select(AuditRow).where(AuditRow.action == "revoke", AuditRow.resource == "session")
        return list(session.scalars(query.order_by(AuditRow.id)))


def _signed_in_with(web: Web, cookie: str) -> bool:
    """Does this cookie value alone sign anyone in?"""
    client = web.client()
    client.cookies.set(COOKIE, cookie)
    return client.get("/api/me").status_code == 200


def test_the_cookie_is_an_opaque_id_and_only_its_hash_is_stored(web: Web) -> None:
    analyst = web.signed_in("analyst")
    value = _cookie(analyst)
    assert len(value) >= 43 and "." not in value  # 32 random bytes, no signed payload
    assert b"analyst" not in base64.urlsafe_b64decode(value + "==")
    with web.db.factory() as session:
        [row] = session.scalars(select(SessionRow))
        user = session.get(UserRow, row.user_id)
        assert user is not None and user.username == "analyst"
        assert row.id_hash == digest(value) and value not in row.id_hash
        assert row.user_agent == "testclient" and row.revoked_at is None
        created = row.created_at.replace(tzinfo=UTC) if row.created_at.tzinfo is None else row.created_at
        expires = row.expires_at.replace(tzinfo=UTC) if row.expires_at.tzinfo is None else row.expires_at
        assert expires - created == timedelta(hours=12)
    header = analyst.client.get("/login").headers.get("set-cookie")
    assert header is None  # an existing session is not re-sent on every answer


def test_logout_revokes_the_session_so_the_old_cookie_no_longer_works(web: Web) -> None:
    analyst = web.signed_in("analyst")
    old = _cookie(analyst)
    assert analyst.client.get("/api/me").status_code == 200
    response = analyst.post("/logout", follow_redirects=False)
    assert response.status_code == 303 and "Max-Age=0" in response.headers["set-cookie"]
    assert not _signed_in_with(web, old)  # a copy of the cookie kept by an attacker is worth nothing
    with web.db.factory() as session:
        [row] = session.scalars(select(SessionRow))
        assert row.revoked_at is not None
        [entry] = session.scalars(select(AuditRow).where(AuditRow.action == "logout"))
        assert (
            entry.username == "analyst" and entry.resource == "session" and entry.resource_id == str(row.id)
        )


def test_sign_in_issues_a_new_id_and_csrf_token(web: Web) -> None:
    client = web.client()
    before_csrf = csrf_of(client.get("/login").text)
    planted = client.cookies.get(COOKIE)
    assert planted  # the sign-in form's CSRF token needs an id before sign-in
    after_csrf = login(client, "analyst")
    assert client.cookies.get(COOKIE) != planted and after_csrf != before_csrf
    assert not _signed_in_with(web, planted)  # session fixation: the id known before sign-in stays anonymous


def test_csrf_still_guards_every_form_of_a_session(web: Web) -> None:
    analyst = web.signed_in("analyst")
    assert analyst.client.post("/logout", follow_redirects=False).status_code == 403
    assert analyst.client.post("/logout", data={"csrf_token": "x" * 64}).status_code == 403
    other = web.signed_in("sam.lead")
    stolen = {"x-csrf-token": other.csrf}  # another session's token
    assert analyst.client.post("/logout", headers=stolen).status_code == 403
    assert analyst.client.get("/api/me").status_code == 200  # still signed in


def test_sign_out_everywhere_ends_every_session_of_mine_only(web: Web) -> None:
    first, second = web.signed_in("analyst"), web.signed_in("analyst")
    lead = web.signed_in("sam.lead")
    listed = first.client.get("/api/sessions").json()
    assert len(listed) == 2 and [s["current"] for s in listed].count(True) == 1
    assert "sign-out-everywhere" in first.client.get("/me").text
    response = first.post("/me/sign-out", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert first.client.get("/api/me").status_code == 401
    assert second.client.get("/api/me").status_code == 401
    assert lead.client.get("/api/me").status_code == 200
    [entry] = _revocations(web)
    assert entry.username == "analyst" and entry.detail == {"username": "analyst", "count": 2, "why": "self"}


def test_an_admin_signs_a_user_out_everywhere_from_the_api_and_the_users_page(web: Web) -> None:
    agent, admin = web.signed_in("j.smith"), web.signed_in("admin")
    token = admin.post("/api/tokens", json={"name": "ops"}).json()["token"]  # type: ignore[attr-defined]
    bearer = {"Authorization": f"Bearer {token}"}
    response = admin.client.delete("/api/users/j.smith/sessions", headers=bearer)
    assert response.status_code == 200 and response.json() == {"ended": 1}
    assert agent.client.get("/api/me").status_code == 401
    agent = web.signed_in("j.smith")
    page = admin.client.get("/admin/users").text
    assert 'action="/admin/users/j.smith/sign-out"' in page
    response = admin.post("/admin/users/j.smith/sign-out", follow_redirects=False)
    assert response.status_code == 303
    assert agent.client.get("/api/me").status_code == 401
    assert admin.client.get("/api/me").status_code == 200
    assert [(e.username, e.detail["why"]) for e in _revocations(web)] == [("admin", "admin")] * 2
    assert admin.client.delete("/api/users/nobody/sessions", headers=bearer).status_code == 404
    refused = web.signed_in("analyst").client.delete("/api/users/admin/sessions", headers={})
    assert refused.status_code == 403  # CSRF first for a cookie session…
    analyst = web.signed_in("analyst")
    refused = analyst.client.delete("/api/users/admin/sessions", headers={"x-csrf-token": analyst.csrf})
    assert refused.status_code == 403  # …then the rule: admins only
    assert admin.client.get("/api/me").status_code == 200


def test_deactivating_a_user_or_a_new_password_ends_their_sessions(web: Web) -> None:
    agent, admin = web.signed_in("j.smith"), web.signed_in("admin")
    response = admin.client.patch(
        "/api/users/j.smith", json={"active": False}, headers={"x-csrf-token": admin.csrf}
    )
    assert response.status_code == 200
    with web.db.factory() as session:
        assert session.scalar(select(SessionRow.revoked_at).where(SessionRow.user_id == _id(web, "j.smith")))
    admin.client.patch("/api/users/j.smith", json={"active": True}, headers={"x-csrf-token": admin.csrf})
    assert agent.client.get("/api/me").status_code == 401  # reactivating does not bring the session back
    lead = web.signed_in("sam.lead")
    with web.db.factory.begin() as session:
        assert set_password(session, "sam.lead", "a-new-Passphrase-42") == 1
    assert lead.client.get("/api/me").status_code == 401
    assert [e.detail["why"] for e in _revocations(web)] == ["deactivated"]  # the CLI audits its own


def _id(web: Web, username: str) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(UserRow.id).where(UserRow.username == username)) or 0)


def test_a_session_ends_when_idle_or_past_its_absolute_expiry(web: Web) -> None:
    signed = web.signed_in("analyst")
    with web.db.factory.begin() as session:
        session.execute(update(SessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(hours=13)))
    assert signed.client.get("/api/me").status_code == 401
    signed = web.signed_in("analyst")
    with web.db.factory.begin() as session:
        session.execute(
            update(SessionRow)
            .where(SessionRow.revoked_at.is_(None), SessionRow.id_hash == digest(_cookie(signed)))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert signed.client.get("/api/me").status_code == 401


def test_the_limits_are_configurable(db: Database, tmp_path: Path) -> None:
    seed(db)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=db.url,
        secret_key=SecretStr("t" * 40),
        session_hours=1.0,
        session_idle_hours=0.25,
    )
    web = Web(db, create_app(settings, engine=db.engine), settings)
    client = web.client()
    token = csrf_of(client.get("/login").text)
    form = {"username": "analyst", "password": "callqa-demo", "csrf_token": token}
    response = client.post("/login", data=form, follow_redirects=False)
    assert "Max-Age=3600" in response.headers["set-cookie"]
    signed = SignedIn(client, csrf_of(client.get("/me").text))
    assert signed.client.get("/api/me").status_code == 200
    with web.db.factory.begin() as session:
        session.execute(update(SessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=20)))
    assert signed.client.get("/api/me").status_code == 401
