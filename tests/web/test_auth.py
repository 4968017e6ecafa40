"""Signing in and out, sessions, API tokens, CSRF, and the audit of it all."""

from __future__ import annotations

from sqlalchemy import select

from callqa.audit.models import AuditRow
from callqa.users.models import ApiTokenRow, UserRow
from web_support import Web, csrf_of, login


def _audit(web: Web, action: str) -> list[AuditRow]:
    with web.db.factory() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)))


def test_pages_redirect_to_sign_in_and_back(web: Web) -> None:
    client = web.client()
    response = client.get("/interactions?channel=chat", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/login?next=%2Finteractions%3Fchannel%3Dchat")
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "analyst",
            "password": "callqa-demo",
            "csrf_token": token,
            "next": "/interactions?channel=chat",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/interactions?channel=chat"
    [entry] = _audit(web, "login")
    assert entry.username == "analyst" and entry.resource == "user"


def test_the_api_answers_401_without_credentials(web: Web) -> None:
    response = web.client().get("/api/interactions")
    assert response.status_code == 401
    assert response.json() == {"detail": "sign in or send an API token"}


def test_a_wrong_password_is_refused_and_audited_without_the_password(web: Web) -> None:
    client = web.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "analyst", "password": "wrong-password!", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert client.get("/api/me").status_code == 401
    [entry] = _audit(web, "login_failed")
    assert entry.user_id is None and entry.detail == {"username": "analyst"}
    assert "wrong-password" not in str(entry.detail)


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(web: Web) -> None:
    client = web.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "nobody", "password": "whatever!!", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password." in response.text


def test_sign_in_needs_the_csrf_token(web: Web) -> None:
    client = web.client()
    client.get("/login")
    response = client.post("/login", data={"username": "analyst", "password": "callqa-demo"})
    assert response.status_code == 403
    assert client.get("/api/me").status_code == 401
    assert _audit(web, "login") == []


def test_next_never_leaves_the_site(web: Web) -> None:
    client = web.client()
    token = csrf_of(client.get("/login").text)
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(
            "/login",
            data={"username": "analyst", "password": "callqa-demo", "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/interactions", target
        token = csrf_of(client.get("/me").text)


def test_the_session_cookie_is_http_only_and_same_site(web: Web) -> None:
    client = web.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "analyst", "password": "callqa-demo", "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_sign_out_ends_the_session(web: Web) -> None:
    client = web.client()
    csrf = login(client, "analyst")
    assert client.get("/api/me").json()["username"] == "analyst"
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/api/me").status_code == 401


def test_a_state_change_without_csrf_is_refused_and_changes_nothing(web: Web) -> None:
    signed = web.signed_in("analyst")
    before = web.audit_count()
    response = signed.client.post("/api/tokens", json={"name": "bi"})
    assert response.status_code == 403
    with web.db.factory() as session:
        assert session.scalars(select(ApiTokenRow)).all() == []
    assert web.audit_count() == before


def test_api_tokens_act_as_their_user_until_revoked(web: Web) -> None:
    signed = web.signed_in("sam.lead")
    created = signed.post("/api/tokens", json={"name": "bi export"})
    assert created.status_code == 201  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    token = body["token"]
    assert token.startswith("cqa_") and body["prefix"] == token[:10]
    with web.db.factory() as session:
        row = session.scalars(select(ApiTokenRow)).one()
        assert row.token_hash != token and token not in row.token_hash  # only the digest is stored
        assert row.name == "bi export"
    api = web.client()  # no cookie: the bearer token alone
    me = api.get("/api/me", headers={"authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "sam.lead"
    assert me.json()["leads"] == ["Team North"]
    # a bearer request needs no CSRF token (no cookie is involved)
    other = api.post("/api/tokens", json={"name": "second"}, headers={"authorization": f"Bearer {token}"})
    assert other.status_code == 201
    listed = signed.client.get("/api/tokens").json()
    assert {t["name"] for t in listed} == {"bi export", "second"}
    assert all("token" not in t for t in listed)
    revoked = signed.client.delete(f"/api/tokens/{body['id']}", headers={"x-csrf-token": signed.csrf})
    assert revoked.status_code == 204
    assert api.get("/api/me", headers={"authorization": f"Bearer {token}"}).status_code == 401
    assert api.get("/api/me", headers={"authorization": "Bearer cqa_forged"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(web: Web) -> None:
    owner = web.signed_in("analyst")
    token_id = owner.post("/api/tokens", json={"name": "mine"}).json()["id"]  # type: ignore[attr-defined]
    other = web.signed_in("j.smith")
    response = other.client.delete(f"/api/tokens/{token_id}", headers={"x-csrf-token": other.csrf})
    assert response.status_code == 404
    with web.db.factory() as session:
        assert session.get(ApiTokenRow, token_id).revoked_at is None  # type: ignore[union-attr]


def test_a_deactivated_user_is_signed_out(web: Web) -> None:
    signed = web.signed_in("j.smith")
    with web.db.factory.begin() as session:
        session.scalars(select(UserRow).where(UserRow.username == "j.smith")).one().active = False
    assert signed.client.get("/api/me").status_code == 401
    client = web.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "j.smith", "password": "callqa-demo", "csrf_token": token}
    )
    assert response.status_code == 401


def test_the_profile_page_creates_a_token_shown_once(web: Web) -> None:
    signed = web.signed_in("li.wei")
    page = signed.client.post("/me/tokens", data={"name": "my script", "csrf_token": signed.csrf})
    assert page.status_code == 200
    assert 'data-test="new-token"' in page.text
    again = signed.client.get("/me")
    assert "my script" in again.text and 'data-test="new-token"' not in again.text


def test_changes_are_committed_before_the_response_starts(web: Web) -> None:
    """A client that follows a redirect at once must read what the request wrote (no commit after send)."""
    seen: list[int] = []
    inner = web.app

    async def watching(scope: dict[str, object], receive: object, send: object) -> None:
        async def spy(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start" and scope.get("path") == "/api/tokens":
                with web.db.factory() as session:
                    seen.append(len(session.scalars(select(ApiTokenRow)).all()))
            await send(message)  # type: ignore[operator]

        await inner(scope, receive, spy)  # type: ignore[arg-type]

    from fastapi.testclient import TestClient

    client = TestClient(watching)  # type: ignore[arg-type]
    csrf = login(client, "analyst")
    response = client.post("/api/tokens", json={"name": "now"}, headers={"x-csrf-token": csrf})
    assert response.status_code == 201
    assert seen == [1]
