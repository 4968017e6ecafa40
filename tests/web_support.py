"""Web-app test helpers: the seeded database, signing in through the form (importable as ``web_support``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callqa.analysis.defaults import build_pipeline
from callqa.audit.models import AuditRow
from callqa.core.settings import Settings
from callqa.demo.users import DEMO_PASSWORD, ensure_demo_users
from callqa.interactions.service import StoreItem, store_interactions
from callqa.scoring.loader import load_scorecard
from callqa.scoring.service import score_stored
from qa_support import demo_interactions
from support import Database, seeded


@dataclass
class Web:
    db: Database
    app: FastAPI
    settings: Settings

    def client(self) -> TestClient:
        return TestClient(self.app)

    def signed_in(self, username: str) -> SignedIn:
        client = self.client()
        return SignedIn(client, login(client, username))

    def audit_count(self) -> int:
        with self.db.factory() as session:
            return int(session.scalar(select(func.count(AuditRow.id))) or 0)

    def ids(self) -> dict[str, int]:
        """Interaction id by external id."""
        from callqa.interactions.models import InteractionRow

        with self.db.factory() as session:
            return {
                r.external_id: r.id
                for r in session.execute(select(InteractionRow.external_id, InteractionRow.id))
            }


@dataclass
class SignedIn:
    client: TestClient
    csrf: str

    def post(self, url: str, **kwargs: object) -> object:
        headers = {"x-csrf-token": self.csrf}
        return self.client.post(url, headers=headers, **kwargs)  # type: ignore[arg-type]


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/me").text)


def seed(db: Database) -> None:
    """The demo interactions stored and scored with the standard scorecard, and the demo users (built for
    real by the first test on each backend, restored from a snapshot for the others: ``support.seeded``)."""
    seeded(db, "demo", _seed_for_real)


def _seed_for_real(db: Database) -> None:
    with db.factory.begin() as session:
        store_interactions(session, [StoreItem(doc) for doc in demo_interactions().values()])
        ensure_demo_users(session)
    report = score_stored(db.factory, load_scorecard("standard"), pipeline=build_pipeline(), batch_size=50)
    assert not report.failures, report.failures
