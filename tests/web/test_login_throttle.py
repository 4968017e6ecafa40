"""Sign-in throttling (per account and per address, from the audit log) and the password policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from callqa.access.throttle import ACCOUNT_FAILURES, ADDRESS_FAILURES, WINDOW
from callqa.audit.models import AuditRow
from callqa.core.errors import CallqaError
from callqa.users.schemas import UserCreate
from callqa.users.service import set_password
from web_support import Web, csrf_of

pytestmark = pytest.mark.issue(18)


def _try(client: Any, username: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    data = {"username": username, "password": password, "csrf_token": token}
    return int(client.post("/login", data=data, follow_redirects=False).status_code)


def _count(web: Web, action: str) -> int:
    with web.db.factory() as session:
        return int(session.scalar(select(func.count(AuditRow.id)).where(AuditRow.action == action)) or 0)


def test_an_account_locks_after_repeated_failures_then_opens_again(web: Web) -> None:
    client = web.client()
    assert [_try(client, "analyst", f"wrong-guess-{i}") for i in range(ACCOUNT_FAILURES)] == [401] * 10
    # the right password no longer helps, for this account only
    token = csrf_of(client.get("/login").text)
    data = {"username": "analyst", "password": "callqa-demo", "csrf_token": token}
    refused = client.post("/login", data=data, follow_redirects=False)
    assert refused.status_code == 429 and "Too many failed sign-ins for this account" in refused.text
    assert _count(web, "login_locked") == 1
    assert _try(web.client(), "sam.lead", "callqa-demo") == 303
    # once the failures are older than the window, the account opens
    with web.db.factory.begin() as session:
        session.execute(update(AuditRow).values(at=AuditRow.at - WINDOW - timedelta(minutes=1)))
    assert _try(client, "analyst", "callqa-demo") == 303


def test_one_address_guessing_many_accounts_is_locked_out(web: Web) -> None:
    client = web.client()  # every request comes from the same test address
    for i in range(ADDRESS_FAILURES):
        assert _try(client, f"user{i}", "not-the-password") == 401
    assert _try(client, "sam.lead", "callqa-demo") == 429
    with web.db.factory() as session:
        locked = session.scalars(select(AuditRow).where(AuditRow.action == "login_locked")).one()
    assert locked.detail == {"username": "sam.lead", "by": "address"}


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "repeated"),
        ("1234567890", "common"),
        ("password12", "common"),
        ("Qwertyuiop!", "common"),
        ("abcdefghijkl", "run of keys"),
        ("short-1", "at least 10"),
        ("new.agent.2026", "username"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        UserCreate(username="new.agent", display_name="New", password=password, role="agent", agent_name="N")


def test_a_strong_password_passes_and_set_password_checks_too(web: Web) -> None:
    UserCreate(username="new.agent", display_name="New", password="plum tree at dusk", role="qa_analyst")
    with web.db.factory.begin() as session, pytest.raises(CallqaError, match="common password"):
        set_password(session, "analyst", "password123")
