"""Admins manage users (API and page): roles, teams, teams led, deactivation; nobody else can."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from callqa.users.models import LeadsTeamRow, UserRow
from web_support import SignedIn, Web, csrf_of


def _patch(who: SignedIn, username: str, body: dict[str, Any]) -> Any:
    return who.client.patch(f"/api/users/{username}", json=body, headers={"x-csrf-token": who.csrf})


def _snapshot(web: Web) -> tuple[object, ...]:
    with web.db.factory() as session:
        users = tuple(
            session.execute(select(UserRow.username, UserRow.role, UserRow.active, UserRow.team_id)).all()
        )
        leads = int(session.scalar(select(func.count(LeadsTeamRow.id))) or 0)
    return users, leads


def test_admin_changes_roles_and_teams_over_the_api(web: Web) -> None:
    admin, analyst = web.signed_in("admin"), web.signed_in("analyst")
    before = _snapshot(web)
    assert _patch(analyst, "sam.lead", {"leads": ["Team Vilnius"]}).status_code == 403
    assert _patch(admin, "j.smith", {"leads": ["Team Vilnius"]}).status_code == 422  # agents lead nothing
    assert _patch(admin, "nobody", {"active": False}).status_code == 404
    assert _patch(admin, "admin", {"active": False}).status_code == 409
    assert _snapshot(web) == before
    moved = _patch(admin, "sam.lead", {"leads": ["Team North", "Team Vilnius"], "locale": "zh"})
    assert moved.status_code == 200 and moved.json()["leads"] == ["Team North", "Team Vilnius"]
    lead = web.signed_in("sam.lead")
    teams = {i["team"] for i in lead.client.get("/api/interactions?limit=200").json()["items"]}
    assert teams == {"Team North", "Team Vilnius"}  # the new scope applies at once
    promoted = _patch(admin, "j.smith", {"role": "qa_analyst"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "qa_analyst"


def test_a_deactivated_user_cannot_sign_in_and_the_page_works(web: Web) -> None:
    admin = web.signed_in("admin")
    page = admin.client.get("/admin/users")
    assert page.status_code == 200 and 'data-user="li.wei"' in page.text
    assert web.signed_in("analyst").client.get("/admin/users").status_code == 403
    response = admin.client.post(
        "/admin/users/li.wei",
        data={
            "role": "agent",
            "team": "Team Shanghai",
            "leads": "",
            "active": "no",
            "csrf_token": admin.csrf,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    client = web.client()
    token = csrf_of(client.get("/login").text)
    refused = client.post(
        "/login", data={"username": "li.wei", "password": "callqa-demo", "csrf_token": token}
    )
    assert refused.status_code == 401
    created = admin.client.post(
        "/admin/users",
        data={
            "username": "new.agent",
            "display_name": "New Agent",
            "password": "a-long-password",
            "role": "agent",
            "agent_name": "new.agent",
            "team": "Team North",
            "leads": "",
            "locale": "zh",
            "csrf_token": admin.csrf,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    with web.db.factory() as session:
        row = session.scalars(select(UserRow).where(UserRow.username == "new.agent")).one()
        assert row.role == "agent" and row.locale == "zh" and row.active
    weak = admin.client.post(
        "/admin/users",
        data={
            "username": "weak",
            "display_name": "W",
            "password": "short",
            "role": "agent",
            "agent_name": "w",
            "csrf_token": admin.csrf,
        },
    )
    assert weak.status_code == 422 and "password" in weak.text
