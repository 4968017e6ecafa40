"""Issue 20, item 4 (live part): two real ``callqa serve`` processes on one PostgreSQL database and one
Redis. A call streams to A over the ingest protocol while a board is connected to B; A is killed (``kill
-9``) mid-call; the stream reconnects to B and finishes. The stored interaction has the turns from before
and after, the alerts, and there is exactly one interaction and one current evaluation."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from callqa.db.engine import create_db_engine, session_factory
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.live.models import LiveAlertRow
from callqa.live.replay import call_messages
from callqa.scoring.models import EvaluationRow
from live.servers_support import EXPECTED, admin_token, kill, start_server, until, wait_up
from qa_support import demo_interactions

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(120)]

POSTGRES_URL_ENV = "CALLQA_TEST_POSTGRES_URL"
CALL = "servers-en-call-02"
Message = dict[str, Any]


@pytest.fixture
def own_database() -> Iterator[str]:
    """A PostgreSQL database of this test's own on the test server (other tests truncate the shared one)."""
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_URL_ENV} is not set: the test command must start PostgreSQL")
        pytest.skip(f"PostgreSQL not configured ({POSTGRES_URL_ENV})")
    name = f"callqa_live_{secrets.token_hex(4)}"
    admin = create_db_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_server_killed_mid_call_the_call_goes_on_on_the_other_and_is_stored_once(
    tmp_path: Path, redis_url: str, own_database: str
) -> None:
    from websockets.sync.client import connect

    token = admin_token(own_database)
    headers = {"authorization": f"Bearer {token}"}
    script = [m for _, m in call_messages(demo_interactions()["en-call-02"], CALL)]
    cut = next(i for i, m in enumerate(script) if m.get("segment_id") == "9") + 1
    first, rest = script[:cut], script[cut:]
    resent = [script[0], *(m for m in first if m.get("segment_id") in ("8", "9"))]
    a, host_a = start_server(tmp_path / "a", own_database, redis_url)
    b, host_b = start_server(tmp_path / "b", own_database, redis_url)
    seen: list[Message] = []
    try:
        wait_up(a, host_a, token)
        wait_up(b, host_b, token)
        with connect(f"ws://{host_b}/api/live/board", additional_headers=headers) as board:
            assert until(board, lambda m: m["type"] == "snapshot", seen)["calls"] == []
            with connect(f"ws://{host_a}/api/live/ingest", additional_headers=headers) as ingest:
                for message in first:
                    ingest.send(json.dumps(message))
                # the board on B sees the call A holds: its line and its alerts
                until(board, lambda m: m["type"] == "alert" and m["alert"]["segment_id"] == "9", seen)
                until(board, lambda m: m["type"] == "calls" and m["calls"][0]["turns"] == cut - 1, seen)
                kill(a)  # kill -9, mid-call
            with connect(f"ws://{host_b}/api/live/ingest", additional_headers=headers) as ingest:
                for message in [*resent, *rest]:
                    ingest.send(json.dumps(message))
                ended = until(
                    board, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, seen
                )
                ingest.send(json.dumps(script[-1]))  # a re-sent end stores nothing
                ingest.send(json.dumps({**script[-1], "type": "nonsense"}))
                assert "nonsense" in json.loads(ingest.recv(timeout=10))["message"]  # all before it applied
    finally:
        kill(a)
        kill(b)

    assert [(m["alert"]["rule"], m["alert"]["segment_id"]) for m in seen if m["type"] == "alert"] == EXPECTED
    doc = demo_interactions()["en-call-02"]
    engine = create_db_engine(own_database)
    try:
        with session_factory(engine)() as session:
            rows = session.scalars(select(InteractionRow).where(InteractionRow.source == "live")).all()
            assert [(r.id, r.external_id) for r in rows] == [(ended["interaction_id"], CALL)]
            turns = session.scalars(
                select(TurnRow.text).where(TurnRow.interaction_id == rows[0].id).order_by(TurnRow.seq)
            ).all()
            assert len(turns) == len([t for t in doc.turns if t.text.strip()])  # before and after the kill
            current = session.scalar(
                select(func.count())
                .select_from(EvaluationRow)
                .where(EvaluationRow.interaction_id == rows[0].id, EvaluationRow.is_current.is_(True))
            )
            assert current == 1
            alerts = session.scalars(select(LiveAlertRow).where(LiveAlertRow.call_id == CALL)).all()
            assert sorted((r.rule, r.segment_id or "") for r in alerts) == sorted(
                (rule, seg or "") for rule, seg in EXPECTED
            )
            assert {r.interaction_id for r in alerts} == {rows[0].id}
    finally:
        engine.dispose()
