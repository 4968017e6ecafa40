"""Live calls on several servers sharing one Redis (issue 20, item 3): two apps in one process, each its
own live service (its own event loop, as two servers), one database, one real Redis. A board on B sees the
call A holds and A's alerts; the call's stream reconnects to B after A stops and goes on with its words and
alerts kept, no rule firing twice, no segment twice; it is stored and scored once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from pydantic import SecretStr
from sqlalchemy import func, select
from starlette.testclient import TestClient

from callqa.core.settings import Settings
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.live.cluster import Cluster
from callqa.live.models import LiveAlertRow
from callqa.live.replay import call_messages
from callqa.scoring.models import EvaluationRow
from callqa.users.models import UserRow
from callqa.users.service import create_token
from callqa.web.app import create_app
from live.servers_support import EXPECTED
from qa_support import demo_interactions
from support import Database
from web_support import Web, seed

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(180)]

CALL = "cluster-en-call-02"


Message = dict[str, Any]


def bearer(web: Web, username: str) -> dict[str, str]:
    with web.db.factory.begin() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        assert user is not None
        return {"authorization": f"Bearer {create_token(session, user.id, 'cluster test')[0]}"}


def until(ws: Any, done: Callable[[Message], bool], seen: list[Message]) -> Message:
    while True:
        message = ws.receive_json()
        seen.append(message)
        if done(message):
            return message


@pytest.fixture
def two(db: Database, tmp_path: Path, redis_url: str) -> Iterator[tuple[Web, Web]]:
    seed(db)
    webs = []
    for name in ("a", "b"):
        settings = Settings(
            data_dir=tmp_path / name,
            database_url=db.url,
            secret_key=SecretStr("t" * 40),
            live_model_process=False,
            redis_url=redis_url,
            live_lease_s=1.0,
        )
        webs.append(Web(db, create_app(settings, engine=db.engine), settings))
    yield webs[0], webs[1]


def messages() -> list[dict[str, Any]]:
    return [m for _, m in call_messages(demo_interactions()["en-call-02"], CALL)]


def send(ws: Any, batch: list[dict[str, Any]]) -> None:
    for message in batch:
        ws.send_text(json.dumps(message))


def test_a_board_on_one_server_follows_a_call_another_holds_and_the_call_moves(two: tuple[Web, Web]) -> None:
    a, b = two
    script = messages()
    cut = next(i for i, m in enumerate(script) if m.get("segment_id") == "9") + 1
    first, rest = script[:cut], script[cut:]
    resent = [
        m for m in first if m.get("segment_id") in ("8", "9")
    ]  # the client repeats what it had in flight
    seen: list[Message] = []
    agent_seen: list[Message] = []
    with (
        TestClient(b.app) as client_b,
        client_b.websocket_connect("/api/live/board", headers=bearer(b, "sam.lead")) as board,
        client_b.websocket_connect("/api/live/agent", headers=bearer(b, "j.smith")) as assist,
    ):
        assert until(board, lambda m: m["type"] == "snapshot", seen)["calls"] == []
        until(assist, lambda m: m["type"] == "snapshot", agent_seen)
        with (
            TestClient(a.app) as client_a,
            client_a.websocket_connect("/api/live/board", headers=bearer(a, "admin")) as board_a,
            client_a.websocket_connect("/api/live/ingest", headers=bearer(a, "admin")) as ingest,
        ):
            send(ingest, first)
            # A's alerts and board lines reach the board on B
            until(board, lambda m: m["type"] == "alert" and m["alert"]["segment_id"] == "9", seen)
            # an acknowledgement on B reaches the board on A
            first_alert = next(m["alert"]["id"] for m in seen if m["type"] == "alert")
            board.send_text(json.dumps({"type": "ack", "alert_id": first_alert}))
            ack = until(board_a, lambda m: m["type"] == "alert_ack", [])
            assert ack["alert_id"] == first_alert and ack["by"] == "sam.lead"
            until(board, lambda m: m["type"] == "calls" and m["calls"][0]["turns"] == cut - 1, seen)
            # a board connecting to B gets A's call in its snapshot, and its words when it watches it
            with client_b.websocket_connect("/api/live/board", headers=bearer(b, "admin")) as late:
                snapshot = late.receive_json()
                assert [c["call_id"] for c in snapshot["calls"]] == [CALL]
                assert {x["rule"] for x in snapshot["alerts"] if x["call_id"] == CALL} >= {
                    "account_before_verification",
                    "sentiment_drop",
                }
                late.send_text(json.dumps({"type": "watch", "call_id": CALL}))
                transcript = late.receive_json()
                assert transcript["type"] == "transcript"
                assert [s["segment_id"] for s in transcript["segments"]] == [str(i) for i in range(10)]
            # a supervisor of another team sees nothing of it, on B as on A
            with client_b.websocket_connect("/api/live/board", headers=bearer(b, "wang.fang")) as other:
                assert other.receive_json()["calls"] == []
        # A is gone; the stream reconnects to B, repeats the call's start and its last two segments
        with client_b.websocket_connect("/api/live/ingest", headers=bearer(b, "admin")) as ingest:
            send(ingest, [script[0], *resent, *rest])
            ended = until(board, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, seen)
            until(assist, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, agent_seen)
            send(ingest, [script[-1]])  # a re-sent end: nothing more is stored
            send(ingest, [{**resent[0], "segment_id": "late"}])  # about a call already stored: ignored
            send(ingest, [{**resent[0], "role": "bot"}])  # answered once all before it was applied
            assert "role 'bot'" in ingest.receive_json()["message"]
        stats = client_b.get("/api/live/stats", headers=bearer(b, "admin")).json()
        assert stats["calls"] == 0 and stats["rejected"] == 1

    alerts = [(m["alert"]["rule"], m["alert"]["segment_id"]) for m in seen if m["type"] == "alert"]
    assert alerts == EXPECTED  # each once: fired on A before it stopped, or on B after
    # the agent's assist page on B followed the call wherever it was held (tests/live/test_ws.py, one server)
    agent_alerts = [m["alert"]["rule"] for m in agent_seen if m["type"] == "alert"]
    assert agent_alerts == ["account_before_verification", "disclosure_missing", "escalation_request"]
    assert [m for m in agent_seen if m["type"] == "card"]
    words = [m["segment"]["segment_id"] for m in agent_seen if m["type"] == "segment"]
    assert sorted(set(words), key=int) == [str(i) for i in range(len(set(words)))] and len(words) == len(
        set(words)
    )
    doc = demo_interactions()["en-call-02"]
    with a.db.factory() as session:
        rows = session.scalars(select(InteractionRow).where(InteractionRow.external_id == CALL)).all()
        assert [r.id for r in rows] == [ended["interaction_id"]]
        turns = session.scalar(
            select(func.count()).select_from(TurnRow).where(TurnRow.interaction_id == rows[0].id)
        )
        assert turns == len([t for t in doc.turns if t.text.strip()])  # before and after the move, none twice
        evaluations = session.scalars(
            select(EvaluationRow).where(EvaluationRow.interaction_id == rows[0].id)
        ).all()
        assert len([e for e in evaluations if e.is_current]) == 1
        stored = session.scalars(select(LiveAlertRow).where(LiveAlertRow.call_id == CALL)).all()
        assert sorted((r.rule, r.segment_id) for r in stored) == sorted(EXPECTED, key=str)
        assert {r.interaction_id for r in stored} == {rows[0].id}
    client = redis.Redis.from_url(b.settings.redis_url or "")
    assert not client.keys(f"callqa:live:call:{CALL}*")  # the call's shared state is gone once stored
    assert client.get(f"callqa:live:stored:{CALL}") is not None
    client.close()


def test_a_damaged_state_in_redis_is_a_coded_error_naming_the_call(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.hset("callqa:live:call:c-bad", mapping={"start": '{"v": 99, "call_id": "c-bad"}', "state": "{}"})
    cluster = Cluster(redis_url)
    with pytest.raises(Exception, match=r"\[L120\] live call 'c-bad' in Redis: .*version 99"):
        cluster.load("c-bad", 0.0, take=True)
    client.close()
    cluster.client.close()


def test_an_unreachable_redis_is_a_coded_error_without_its_password() -> None:
    cluster = Cluster("redis://:hunter2@127.0.0.1:9/0")
    with pytest.raises(Exception, match=r"\[L121\] Redis at redis://127\.0\.0\.1:9/0") as caught:
        cluster.start(lambda m: None, lambda ids: None)
    assert "hunter2" not in str(caught.value)


def test_a_call_taken_by_another_server_is_given_up_by_its_first_holder(redis_url: str) -> None:
    """The stream moved while its first server lived on (a load balancer's choice): the first server's next
    lease renewal finds the call held elsewhere and forgets it."""
    from callqa.live.protocol import CallStart, Segment
    from callqa.live.state import CallState

    first, second = Cluster(redis_url, lease_s=5, node="a"), Cluster(redis_url, lease_s=5, node="b")
    lost: list[list[str]] = []
    given_up = threading.Event()

    def on_lost(ids: list[str]) -> None:
        lost.append(ids)
        given_up.set()

    first.start(lambda m: None, on_lost)
    second.start(lambda m: None, lambda ids: None)
    try:
        call = CallState(CallStart("c-moved", agent="ann", team="North"), 0.0)
        call.finals.append(Segment("c-moved", "0", "customer", "Hello [CARD_NUMBER]", 0, 900))
        first.save(call, None)
        first.renew(["c-moved"])  # ours: renewed, not lost
        loaded = None
        for _ in range(100):
            loaded = second.load("c-moved", 10.0, take=True).call
            if loaded is not None:
                break
            threading.Event().wait(0.02)
        assert loaded is not None and [s.text for s in loaded.finals] == ["Hello [CARD_NUMBER]"]
        assert second.seen("c-moved", "0") and not first.seen("c-moved", "1")
        first.renew(["c-moved"])
        assert given_up.wait(5) and lost == [["c-moved"]]
    finally:
        first.stop()
        second.stop()


def test_writes_lost_while_redis_was_away_are_made_good_once_it_is_back(private_redis: Any) -> None:
    """Redis restarted mid-call: the write that failed leaves no gap, the next write rewrites the lists."""
    from callqa.live.protocol import CallEvent, CallStart, Segment
    from callqa.live.state import CallState

    cluster = Cluster(private_redis.url, node="a")
    cluster.start(lambda m: None, lambda ids: None)
    try:
        call = CallState(CallStart("c-outage"), 0.0)

        def say(n: int) -> None:
            call.finals.append(Segment("c-outage", str(n), "agent", f"words {n}", n * 1000, n * 1000 + 900))
            cluster.save(call, None)

        say(0)
        say(1)
        wait_for(lambda: kept_segments(cluster, "c-outage") == 2)
        private_redis.stop()
        say(2)  # lost with Redis away
        wait_for(lambda: cluster.failed >= 1)
        private_redis.start()
        say(3)
        wait_for(
            lambda: (c := cluster.load("c-outage", 0.0, take=False).call) is not None and len(c.finals) == 4
        )
        loaded = cluster.load("c-outage", 0.0, take=False).call
        assert loaded is not None and [s.segment_id for s in loaded.finals] == ["0", "1", "2", "3"]
        # a list made later in the call expires with the call (no key of a call outlives it)
        call.events.append(CallEvent("c-outage", "hold_start", 5000))
        cluster.save(call, None)
        wait_for(lambda: cluster.client.exists("callqa:live:call:c-outage:events") == 1)
        keys = cluster.client.keys("callqa:live:call:c-outage*")
        assert len(keys) == 3 and all(0 < cluster.client.ttl(k) <= 3600 for k in keys)  # type: ignore[operator]
    finally:
        cluster.stop()


def kept_segments(cluster: Cluster, call_id: str) -> int:
    call = cluster.load(call_id, 0.0, take=False).call
    return len(call.finals) if call is not None else 0


def wait_for(done: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_only_redacted_words_reach_redis(redis_url: str) -> None:
    """The monitor redacts a segment before anything else sees it: Redis (state and fan-out) included."""
    from callqa.live.monitor import LiveMonitor
    from callqa.live.protocol import parse_message
    from callqa.live.rules import load_rules
    from callqa.live.wire import output_json

    monitor = LiveMonitor(load_rules(), realtime=False)
    cluster = Cluster(redis_url, node="a")
    listener = redis.Redis.from_url(redis_url, decode_responses=True).pubsub()
    listener.subscribe("callqa:live:out")
    cluster.start(lambda m: None, lambda ids: None)
    try:
        said = "My card number is 4111 1111 1111 1111, expiry 12/29."
        outputs = monitor.handle(
            parse_message(
                {
                    "type": "segment",
                    "call_id": "c-card",
                    "role": "customer",
                    "text": said,
                    "start_ms": 0,
                    "end_ms": 900,
                }
            )
        )
        cluster.save(monitor.calls["c-card"], None)
        cluster.publish({"outputs": [output_json(o) for o in outputs if type(o).__name__ != "CallUpdate"]})
        wait_for(lambda: cluster.written >= 1 and cluster.load("c-card", 0.0, take=False).call is not None)
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        kept = client.lrange("callqa:live:call:c-card:finals", 0, -1)
        published = []
        deadline = time.monotonic() + 5
        while not published and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.2)
            if message and message["type"] == "message":
                published.append(message["data"])
        client.close()
        assert len(kept) == 1 and "[CARD_NUMBER]" in kept[0] and "4111" not in kept[0]
        assert published and "[CARD_NUMBER]" in published[0] and "4111" not in published[0]
    finally:
        listener.close()
        cluster.stop()
