"""The live service over a real server (uvicorn, the websockets library, loopback TCP), driven the way
``callqa live replay`` drives it; and the ``callqa live`` commands."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.cli import app as cli
from callqa.live.replay import call_messages, stream_calls
from callqa.users.models import UserRow
from callqa.users.service import create_token
from qa_support import demo_interactions
from web_support import Web

pytestmark = [pytest.mark.issue(6), pytest.mark.timeout(300)]


@pytest.fixture
def server(web: Web) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def admin_token(web: Web) -> str:
    with web.db.factory.begin() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == "admin"))
        assert user is not None
        return create_token(session, user.id, "replay")[0]


def test_replayed_calls_reach_a_board_over_a_real_server(web: Web, server: str) -> None:
    import websockets

    token = admin_token(web)
    docs = [demo_interactions()["en-call-06"], demo_interactions()["acb-zhs-20261009-4410"]]

    async def run() -> tuple[list[dict[str, Any]], Any]:
        seen: list[dict[str, Any]] = []
        headers = {"authorization": f"Bearer {token}"}
        async with websockets.connect(f"ws://{server}/api/live/board", additional_headers=headers) as board:
            assert json.loads(await board.recv())["type"] == "snapshot"
            # 100× real time: each call lasts a second or more, so its line reaches the board (sent every
            # 0.2 s) even while the server is busy; at 500× a call could start and end between two sends
            report = await stream_calls(f"ws://{server}/api/live/ingest", token, docs, speed=100)
            ended = 0
            while ended < 2:
                message = json.loads(await asyncio.wait_for(board.recv(), 60))
                seen.append(message)
                ended += message["type"] == "call_end" and message["interaction_id"] is not None
        return seen, report

    seen, report = asyncio.run(run())
    assert report.calls == 2 and not report.errors
    alerts = {(m["alert"]["call_id"], m["alert"]["rule"]) for m in seen if m["type"] == "alert"}
    assert {("replay-en-call-06", "abuse"), ("replay-acb-zhs-20261009-4410", "abuse")} <= alerts
    assert ("replay-acb-zhs-20261009-4410", "legal_threat") in alerts
    lines = [c for m in seen if m["type"] == "calls" for c in m["calls"]]
    assert {c["call_id"] for c in lines} == {"replay-en-call-06", "replay-acb-zhs-20261009-4410"}


def test_live_validate_names_the_bad_rule(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("rules: [{id: hold, title: Hold, when: {type: duration, what: hold, over_s: 90}}]\n")
    result = CliRunner().invoke(cli, ["live", "validate", str(good)])
    assert result.exit_code == 0 and "valid" in result.output and "checklist" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [{id: rude, title: Rude, when: {type: moment, kind: rudeness}}]\n")
    result = CliRunner().invoke(cli, ["live", "validate", str(bad)])
    assert result.exit_code == 1 and "[V100]" in result.output and "rudeness" in result.output


SENTIMENT_RULES = {"negative_streak", "sentiment_drop"}


def test_every_demo_call_streamed_at_once_alerts_where_the_monitor_alone_does(web: Web, server: str) -> None:
    """All voice demo calls stream concurrently over real sockets; the board gets exactly the alerts (rule,
    turn, call time) that replaying each call through the monitor gives (tests/live/test_demo_calls.py
    checks those against the analysis after the call). Sentiment in zh/lt/fa comes later from the model,
    so sentiment rules are compared for English calls only."""
    import websockets

    from callqa.live.monitor import LiveMonitor
    from callqa.live.outputs import Alert
    from callqa.live.protocol import parse_message
    from callqa.live.rules import load_rules

    docs = [d for d in demo_interactions().values() if d.channel == "voice"]
    expected: set[tuple[str, str, str | None, int]] = set()
    for doc in docs:
        monitor = LiveMonitor(load_rules(), realtime=False)
        for _, message in call_messages(doc, f"all-{doc.external_id}"):
            for out in monitor.handle(parse_message(message)) + monitor.tick():
                if isinstance(out, Alert) and (out.rule not in SENTIMENT_RULES or doc.language == "en"):
                    expected.add((out.call_id, out.rule, out.segment_id, out.at_ms))
    token = admin_token(web)

    async def run() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        headers = {"authorization": f"Bearer {token}"}
        async with websockets.connect(f"ws://{server}/api/live/board", additional_headers=headers) as board:
            await board.recv()
            report = await stream_calls(
                f"ws://{server}/api/live/ingest", token, docs, speed=2000, prefix="all-"
            )
            assert report.calls == len(docs) and not report.errors
            ended = 0
            while ended < len(docs):
                message = json.loads(await asyncio.wait_for(board.recv(), 120))
                seen.append(message)
                done = message["type"] == "call_end"
                ended += done and (message["interaction_id"] or message["error"]) is not None
        return seen

    seen = asyncio.run(run())
    # every call stored and scored
    assert not [m["error"] for m in seen if m["type"] == "call_end" and m["error"]]
    english = {f"all-{d.external_id}" for d in docs if d.language == "en"}
    got = {
        (a["call_id"], a["rule"], a["segment_id"], a["at_ms"])
        for m in seen
        if m["type"] == "alert"
        for a in [m["alert"]]
        if a["rule"] not in SENTIMENT_RULES or a["call_id"] in english
    }
    assert got == expected
    assert len(expected) > 40
