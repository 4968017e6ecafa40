"""The 5xx answers found by the hostile run and by Schemathesis, each answered now as the product promises
(issue 18): a 4xx naming the field, or the right answer — with the database unchanged after a refusal."""

from __future__ import annotations

import csv
import io
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.core.settings import Settings
from callqa.db.engine import create_db_engine, session_factory
from callqa.users.models import TeamRow, UserRow
from callqa.users.service import create_token
from callqa.web.app import create_app
from support import Database
from web_support import Web, seed

pytestmark = pytest.mark.issue(18)


def _teams(web: Web) -> tuple[int, int | None]:
    with web.db.factory() as session:
        count = int(session.scalar(select(func.count(TeamRow.id))) or 0)
        return count, session.scalar(select(UserRow.team_id).where(UserRow.username == "j.smith"))


def test_control_characters_in_team_names_are_a_422_not_a_500(web: Web) -> None:
    admin = web.signed_in("admin")
    headers = {"x-csrf-token": admin.csrf}
    before = _teams(web)
    for body in (
        {"team": "Team\x01North"},
        {"team": "\x07"},
        {"leads": ["ok", "bad\x1b[31m"]},
        {"leads": [""]},
    ):
        response = admin.client.patch("/api/users/j.smith", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        field = response.json()["detail"][0]["field"]
        assert field.startswith(next(iter(body))), response.json()
    assert _teams(web) == before  # nothing created, nothing changed
    nul = admin.client.patch("/api/users/j.smith", json={"team": "Team\x00North"}, headers=headers)
    assert nul.status_code == 422 and "[W101]" in nul.json()["detail"]  # NUL: refused before parsing
    for team in ("North\x00", "No\x1frth"):
        form = {"role": "agent", "team": team, "csrf_token": admin.csrf}
        assert admin.client.post("/admin/users/j.smith", data=form).status_code == 422
    assert _teams(web) == before


def test_the_criterion_results_table_filtered_by_a_failed_criterion(web: Web) -> None:
    analyst = web.signed_in("analyst")
    every = list(csv.DictReader(io.StringIO(analyst.client.get("/api/export/criterion_results").text)))
    failed = next(r["criterion"] for r in every if r["outcome"] == "fail")
    response = analyst.client.get("/api/export/criterion_results", params={"failed": failed})
    assert response.status_code == 200  # was a 500: the sub-query correlated its own table away
    rows = list(csv.DictReader(io.StringIO(response.text)))
    chosen = {r["evaluation_id"] for r in rows}
    assert chosen == {
        r["evaluation_id"] for r in every if r["criterion"] == failed and r["outcome"] == "fail"
    }
    assert {r["criterion"] for r in rows} > {failed}  # every result of those evaluations
    nothing = analyst.client.get("/api/export/criterion_results", params={"failed": "no-such-criterion"})
    assert nothing.status_code == 200 and len(nothing.text.splitlines()) == 1  # the header only


def test_the_live_board_with_an_api_token_among_concurrent_requests(db: Database, tmp_path: Path) -> None:
    """A real SQLite file with a short busy timeout: the board page's audit row used to wait for the write
    lock its own request held (the token's last use) — 30 s, then a 500, every other writer stalled."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    seed(db)
    engine = create_db_engine(db.url, busy_timeout_s=2.0)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=db.url,
        secret_key=SecretStr("t" * 40),
        sqlite_busy_timeout_s=2.0,
        background_jobs=False,
    )
    app = create_app(settings, engine=engine)
    factory = session_factory(engine)
    with factory.begin() as session:
        admin = session.scalar(select(UserRow.id).where(UserRow.username == "admin"))
        assert admin is not None
        tokens = [create_token(session, admin, f"t{n}")[0] for n in range(4)]
    web = Web(Database("sqlite", db.url, engine, factory), app, settings)

    def call(n: int) -> tuple[int, float]:
        client = web.client()
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        started = time.monotonic()
        path = "/live" if n % 2 == 0 else "/api/interactions"
        status = client.get(path, headers=headers).status_code
        return status, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(24)))
    assert [status for status, _ in results] == [200] * 24
    assert time.monotonic() - started < 30 and max(took for _, took in results) < 10
    with factory() as session:
        views = session.scalar(select(func.count(AuditRow.id)).where(AuditRow.resource == "live_board"))
        assert views == 12  # every view audited
    engine.dispose()


HUGE = 99999999999999999999


def test_numbers_and_ids_in_query_strings_forms_and_bodies_are_bounded(web: Web) -> None:
    admin = web.signed_in("admin")
    headers = {"x-csrf-token": admin.csrf}
    before = web.audit_count()
    read = admin.client.post("/api/notifications/read", json={"ids": [1, HUGE]}, headers=headers)
    assert read.status_code == 422 and read.json()["detail"][0]["field"] == "ids.1"
    assert (
        admin.client.post("/api/notifications/read", json={"ids": [-1]}, headers=headers).status_code == 422
    )
    listed = admin.client.get("/api/interactions", params={"offset": HUGE})
    assert listed.status_code == 422 and listed.json()["detail"][0]["field"] == "offset"
    ident = next(iter(web.ids().values()))
    promote = {"interaction_id": ident, "turn": HUGE, "title": "t"}
    response = admin.client.post("/api/knowledge/promote", json=promote, headers=headers)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "turn"
    form = {"turn": "0", "title": "", "csrf_token": admin.csrf}
    assert admin.client.post(f"/interactions/{ident}/promote", data=form).status_code == 422
    form = {"title": "t", "body": "b", "article_id": str(HUGE), "csrf_token": admin.csrf}
    assert admin.client.post("/knowledge", data=form).status_code == 422
    assert admin.client.get("/scorecards/standard", params={"version": HUGE}).status_code == 422
    assert admin.client.get("/interactions", params={"page": HUGE}).status_code == 422
    # Turn indices and versions are 32-bit columns: PostgreSQL refuses a larger number even to compare.
    too_big = 2**31
    promote["turn"] = too_big
    response = admin.client.post("/api/knowledge/promote", json=promote, headers=headers)
    assert response.status_code == 422
    assert admin.client.get("/scorecards/standard", params={"version": too_big}).status_code == 422
    coaching = {"title": "t", "notes": "n", "interaction_id": ident, "turn": too_big}
    response = admin.client.post("/api/agents/j.smith/coaching", json=coaching, headers=headers)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "turn"
    for bad in ({"interaction_id": str(HUGE)}, {"interaction_id": str(ident), "turn": str(too_big)}):
        form = {"title": "t", "notes": "n", "csrf_token": admin.csrf, **bad}
        response = admin.client.post("/agents/j.smith/coaching", data=form)
        assert response.status_code == 422 and "is not between" in response.text
    assert web.audit_count() == before  # refused before anything was done or audited


def test_approving_tuning_for_an_unknown_scorecard_is_a_404(web: Web) -> None:
    analyst = web.signed_in("analyst")
    body = {"base_hash": "", "edits": []}
    response = analyst.post("/api/tune/no-such-card/approve", json=body)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert "scorecard 'no-such-card' not found" in response.json()["detail"]  # type: ignore[attr-defined]


def test_a_nul_character_anywhere_in_text_input_is_a_422(web: Web) -> None:
    """PostgreSQL cannot hold or compare text with NUL (DataError, a 500 before): refused on both backends."""
    admin = web.signed_in("admin")
    headers = {"x-csrf-token": admin.csrf}
    before = web.audit_count()
    query = admin.client.get("/api/agreement/examples", params={"criterion": "greet\x00ing"})
    assert query.status_code == 422 and "[W101]" in query.json()["detail"]
    assert "query string" in query.json()["detail"]
    body = admin.client.post("/api/tokens", json={"name": "bi\x00"}, headers=headers)
    assert body.status_code == 422 and "request's body holds a NUL" in body.json()["detail"]
    form = admin.client.post("/me/tokens", data={"name": "bi\x00", "csrf_token": admin.csrf})
    assert form.status_code == 422
    path = admin.client.get("/api/agents/j.smith%00/quality-file")
    assert path.status_code == 422 and "request's path" in path.json()["detail"]
    assert admin.client.get("/api/tokens").json() == []  # nothing stored
    assert web.audit_count() == before
    fine = admin.client.post("/api/tokens", json={"name": "bi \\u0000 literally"}, headers=headers)
    assert fine.status_code == 201  # the six characters \u0000 as text are fine
