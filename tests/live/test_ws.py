"""The live sockets end to end over the web app: a demo call streamed in over WebSocket reaches the right
supervisor's board and the agent's assist page, alerts at the right moments, and becomes a scored
interaction when it ends; help requests and acknowledgements go both ways; nobody sees what is not theirs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from callqa.interactions.models import InteractionRow
from callqa.live.models import HelpRequestRow, LiveAlertRow
from callqa.live.replay import call_messages
from callqa.scoring import editing
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import EvaluationRow, ScorecardRow
from callqa.users.models import UserRow
from callqa.users.service import create_token
from qa_support import demo_interactions
from web_support import Web

pytestmark = [pytest.mark.issue(6), pytest.mark.timeout(180)]

Message = dict[str, Any]


def token_for(web: Web, username: str) -> str:
    with web.db.factory.begin() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        assert user is not None
        return create_token(session, user.id, "live test")[0]


def until(ws: WebSocketTestSession, done: Callable[[Message], bool], seen: list[Message]) -> Message:
    while True:
        message = ws.receive_json()
        seen.append(message)
        if done(message):
            return message


def bearer(web: Web, username: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token_for(web, username)}"}


def stream(web: Web, client: TestClient, external_id: str, call_id: str) -> list[Message]:
    """Send the demo call over the ingest socket; returns the error replies (one expected)."""
    errors: list[Message] = []
    headers = {"authorization": f"Bearer {token_for(web, 'admin')}"}
    with client.websocket_connect("/api/live/ingest", headers=headers) as ingest:
        for _, message in call_messages(demo_interactions()[external_id], call_id):
            ingest.send_text(json.dumps(message))
        ingest.send_text(
            json.dumps(
                {
                    "type": "segment",
                    "call_id": call_id,
                    "role": "bot",
                    "text": "x",
                    "start_ms": 1,
                    "end_ms": 2,
                }
            )
        )
        errors.append(ingest.receive_json())
    return errors


def test_a_streamed_call_alerts_its_teams_board_and_its_agent_then_is_stored_and_scored(web: Web) -> None:
    # One client (one event loop, as in a server); each socket signs in with its user's API token.
    board_seen: list[Message] = []
    agent_seen: list[Message] = []
    other_seen: list[Message] = []
    with (
        web.client() as client,
        client.websocket_connect("/api/live/board", headers=bearer(web, "sam.lead")) as board,  # Team North
        client.websocket_connect("/api/live/agent", headers=bearer(web, "j.smith")) as assist,
        client.websocket_connect(
            "/api/live/board", headers=bearer(web, "wang.fang")
        ) as foreign,  # other teams
    ):
        for ws, seen in ((board, board_seen), (assist, agent_seen), (foreign, other_seen)):
            assert until(ws, lambda m: m["type"] == "snapshot", seen)["calls"] == []
        errors = stream(web, client, "en-call-02", "live-en-call-02")
        assert errors[0]["type"] == "error" and "role 'bot'" in errors[0]["message"]  # named, stream went on
        ended = until(
            board, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, board_seen
        )
        until(assist, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, agent_seen)
        foreign.send_text(json.dumps({"type": "watch", "call_id": "live-en-call-02"}))
        assert until(foreign, lambda m: m["type"] in ("transcript", "error"), other_seen)["type"] == "error"

    alerts = [m["alert"] for m in board_seen if m["type"] == "alert"]
    # the alerts and turns the monitor gives this call without sockets (tests/live/test_demo_calls.py)
    assert [(a["rule"], a["segment_id"]) for a in alerts] == [
        ("account_before_verification", "4"),
        ("disclosure_missing", None),
        ("sentiment_drop", "9"),
        ("complaint", "11"),
        ("escalation_request", "13"),
    ]
    assert not [m for m in other_seen if m["type"] in ("alert", "call", "segment")]  # another team's lead
    agent_alerts = [m["alert"]["rule"] for m in agent_seen if m["type"] == "alert"]
    assert agent_alerts == ["account_before_verification", "disclosure_missing", "escalation_request"]
    cards = [m["card"]["source"] for m in agent_seen if m["type"] == "card"]
    assert {"account_before_verification", "disclosure_missing", "escalation_request"} <= set(cards)
    assert [m for m in agent_seen if m["type"] == "segment"]  # the agent follows their own call's words

    with web.db.factory() as session:
        row = session.scalar(select(InteractionRow).where(InteractionRow.external_id == "live-en-call-02"))
        assert (
            row is not None
            and row.source == "live"
            and row.agent == "j.smith"
            and row.id == ended["interaction_id"]
        )
        evaluation = session.scalar(select(EvaluationRow).where(EvaluationRow.interaction_id == row.id))
        assert evaluation is not None and evaluation.score == pytest.approx(ended["score"])
        stored = session.scalars(select(LiveAlertRow).where(LiveAlertRow.call_id == "live-en-call-02")).all()
        assert sorted(a.rule for a in stored) == sorted(a["rule"] for a in alerts)
        assert {a.interaction_id for a in stored} == {row.id}


def test_help_request_reaches_the_lead_and_the_answer_comes_back(web: Web) -> None:
    board_seen: list[Message] = []
    agent_seen: list[Message] = []
    with (
        web.client() as client,
        client.websocket_connect("/api/live/board", headers=bearer(web, "sam.lead")) as board,
        client.websocket_connect("/api/live/agent", headers=bearer(web, "j.smith")) as assist,
    ):
        until(board, lambda m: m["type"] == "snapshot", board_seen)
        until(assist, lambda m: m["type"] == "snapshot", agent_seen)
        assist.send_text(
            json.dumps({"type": "help", "question": "Customer asks for a fee refund over 50 EUR, can I?"})
        )
        asked = until(board, lambda m: m["type"] == "help", board_seen)["help"]
        assert asked["agent"] == "j.smith" and "fee refund" in asked["question"]
        board.send_text(json.dumps({"type": "answer", "help_id": asked["id"], "text": "Yes, up to 80 EUR."}))
        answered = until(assist, lambda m: m["type"] == "help_answer", agent_seen)["help"]
        assert answered["answer"] == "Yes, up to 80 EUR."
        board.send_text(json.dumps({"type": "answer", "help_id": asked["id"], "text": "again"}))
        assert "[V105]" in until(board, lambda m: m["type"] == "error", board_seen)["message"]
    with web.db.factory() as session:
        row = session.get(HelpRequestRow, asked["id"])
        assert row is not None and row.answer == "Yes, up to 80 EUR." and row.answered_at is not None


def test_acknowledging_an_alert_is_stored_and_shown_to_every_board(web: Web) -> None:
    seen: list[Message] = []
    admin_seen: list[Message] = []
    lead = bearer(web, "sam.lead")
    with (
        web.client() as client,
        client.websocket_connect("/api/live/board", headers=lead) as board,
        client.websocket_connect("/api/live/board", headers=bearer(web, "admin")) as other,
    ):
        until(board, lambda m: m["type"] == "snapshot", seen)
        until(other, lambda m: m["type"] == "snapshot", admin_seen)
        stream(web, client, "en-call-06", "live-ack")
        alert = until(board, lambda m: m["type"] == "alert" and m["alert"]["rule"] == "abuse", seen)["alert"]
        foreign = client.post(f"/api/live/alerts/{alert['id']}/ack", headers=bearer(web, "wang.fang"))
        assert foreign.status_code == 404  # another team's lead cannot even tell it exists
        response = client.post(f"/api/live/alerts/{alert['id']}/ack", headers=lead)
        assert response.status_code == 200
        acked = until(other, lambda m: m["type"] == "alert_ack", admin_seen)
        assert acked["alert_id"] == alert["id"] and acked["by"] == "sam.lead"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # written by the live service's database thread
        with web.db.factory() as session:
            row = session.get(LiveAlertRow, alert["id"])
            if row is not None and row.acknowledged_at is not None:
                break
        time.sleep(0.05)
    assert row is not None and row.acknowledged_by is not None


def test_sockets_refuse_the_wrong_people(web: Web) -> None:
    client = web.client()
    for path in ("/api/live/ingest", "/api/live/board", "/api/live/agent"):
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(path) as ws:
            ws.receive_text()
        assert closed.value.code == 1008
    agent = web.signed_in("j.smith")
    with pytest.raises(WebSocketDisconnect), agent.client.websocket_connect("/api/live/board") as ws:
        ws.receive_text()
    lead = web.signed_in("sam.lead")
    headers = {"origin": "https://evil.example"}  # a cookie sent along by another site's page
    with (
        pytest.raises(WebSocketDisconnect),
        lead.client.websocket_connect("/api/live/board", headers=headers) as ws,
    ):
        ws.receive_text()
    supervisor_token = token_for(web, "sam.lead")  # only an admin's token may stream calls in
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(f"/api/live/ingest?token={supervisor_token}") as ws,
    ):
        ws.receive_text()
    assert agent.client.get("/live").status_code == 404
    assert lead.client.get("/live").status_code == 200
    assert lead.client.get("/live/assist").status_code == 404
    assert agent.client.get("/live/assist").status_code == 200
    assert agent.post("/api/live/help", json={"question": "?"}).status_code == 200  # type: ignore[attr-defined]
    assert lead.post("/api/live/help", json={"question": "?"}).status_code in (403, 404)  # type: ignore[attr-defined]


@pytest.mark.issue(16)
def test_a_call_is_scored_with_the_scorecard_version_saved_in_the_editor_meanwhile(web: Web) -> None:
    """The live service asks the scorecard store at each call's end: no restart after an edit."""
    text = load_scorecard("standard").source_text
    seen: list[Message] = []
    with (
        web.client() as client,
        client.websocket_connect("/api/live/board", headers=bearer(web, "sam.lead")) as board,
    ):
        until(board, lambda m: m["type"] == "snapshot", seen)
        card, errors = editing.check(text.replace("title: ", "title: Edited live - ", 1))
        assert card is not None, errors
        with web.db.factory.begin() as session:
            saved = editing.save(session, card)
            version = saved.version
        stream(web, client, "en-call-06", "live-edited")
        ended = until(board, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, seen)
    with web.db.factory() as session:
        used = session.execute(
            select(ScorecardRow.version, ScorecardRow.origin, ScorecardRow.title)
            .join(EvaluationRow, EvaluationRow.scorecard_id == ScorecardRow.id)
            .where(
                EvaluationRow.interaction_id == ended["interaction_id"], EvaluationRow.is_current.is_(True)
            )
        ).one()
    assert tuple(used) == (version, "editor", "Edited live - " + load_scorecard("standard").spec.title)
