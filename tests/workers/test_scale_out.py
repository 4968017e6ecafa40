"""Issue 20, Done when: Redis, PostgreSQL, two worker processes and two servers on this machine. A folder of
recordings and transcripts is ingested and scored through the workers (``callqa ingest --enqueue``; each
ingest task puts what it stored on the score queue) while a live call streams to server A. A worker is
killed (``kill -9``, the whole process group) in the middle of a transcription and server A in the middle
of the call; the call goes on on server B, a new worker takes over the abandoned task, and every item ends
up stored and scored exactly once."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from callqa.interactions.models import InteractionRow
from callqa.live.replay import call_messages
from callqa.workers.queues import INGEST_TASK
from live.servers_support import Message, admin_token, kill, start_server, until, wait_up
from qa_support import demo_interactions
from workers.workers_support import (
    Cluster,
    assert_exactly_once,
    demo_clips,
    demo_transcripts,
    failures,
    mid_task,
    wait_for,
)

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(300)]

LIVE_CALL = "scale-out-live-call"
FILES = 6  # three recordings and three transcripts


def _scored(cluster: Cluster, interactions: int) -> bool:
    from callqa.scoring.models import EvaluationRow

    return (
        cluster.count(InteractionRow) == interactions
        and cluster.count(EvaluationRow) >= interactions
        and cluster.in_flight() == 0
    )


def test_two_workers_and_two_servers_lose_nothing_when_one_of_each_is_killed(
    cluster: Cluster, tmp_path: Path
) -> None:
    from websockets.sync.client import connect

    cluster.score_after_ingest = True
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    demo_clips(inbox, 3)
    demo_transcripts(inbox, 3)
    url = cluster.database.url.render_as_string(hide_password=False)
    token = admin_token(url)
    headers = {"authorization": f"Bearer {token}"}
    script = [m for _, m in call_messages(demo_interactions()["en-call-02"], LIVE_CALL)]
    cut = len(script) // 2
    first, rest = script[:cut], script[cut:]
    resent = [script[0], *first[-2:]]  # a client reconnecting re-sends the start and its last segments

    a, host_a = start_server(tmp_path / "a", url, cluster.broker)
    b, host_b = start_server(tmp_path / "b", url, cluster.broker)
    seen: list[Message] = []
    try:
        worker_1 = cluster.start_worker("--queues", "transcribe,score,refresh")
        cluster.start_worker("--queues", "transcribe,score,refresh")
        wait_up(a, host_a, token)
        wait_up(b, host_b, token)
        enqueued = cluster.callqa("ingest", "--enqueue", str(inbox))
        assert enqueued.returncode == 0, enqueued.stderr
        assert f"enqueued {FILES} tasks on queue transcribe" in enqueued.stdout

        with connect(f"ws://{host_b}/api/live/board", additional_headers=headers) as board:
            until(board, lambda m: m["type"] == "snapshot", seen)
            with connect(f"ws://{host_a}/api/live/ingest", additional_headers=headers) as ingest:
                for message in first:
                    ingest.send(json.dumps(message))
                until(board, lambda m: m["type"] == "calls" and m["calls"][0]["turns"] >= 1, seen)
                # a worker dies in the middle of a transcription, server A in the middle of the call
                recording = mid_task(worker_1, cluster, INGEST_TASK, ".flac", 0.7)
                os.killpg(worker_1.pid, signal.SIGKILL)
                worker_1.wait(timeout=10)
                kill(a)
            assert recording in [args[0] for args in cluster.taken_args(INGEST_TASK)]  # not lost
            cluster.start_worker("--queues", "transcribe,score,refresh")  # takes the abandoned task over
            with connect(f"ws://{host_b}/api/live/ingest", additional_headers=headers) as ingest:
                for message in [*resent, *rest]:
                    ingest.send(json.dumps(message))
                ended = until(
                    board, lambda m: m["type"] == "call_end" and m["interaction_id"] is not None, seen, 120
                )
        wait_for(lambda: _scored(cluster, FILES + 1), 240, "every item stored and scored", cluster)
        health = httpx.get(f"http://{host_b}/api/health", timeout=10)
        assert health.status_code == 200
        assert health.json()["workers_alive"] >= 2  # the two running (the dead one's beat expires later)
    finally:
        kill(a)
        kill(b)

    assert failures(cluster) == {}
    assert_exactly_once(cluster, FILES + 1)
    with cluster.database.connect() as connection:
        live = connection.execute(
            select(InteractionRow.id).where(InteractionRow.external_id == LIVE_CALL)
        ).scalar_one()
        external = set(connection.execute(select(InteractionRow.external_id)).scalars())
    assert live == ended["interaction_id"]
    assert {f"rec-{i}" for i in range(3)} <= external
