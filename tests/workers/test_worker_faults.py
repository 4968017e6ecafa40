"""Workers killed with SIGKILL in the middle of a transcription and of a scoring batch (the pool process
running the task, and the whole worker): the task is handed out again and every item ends up stored and
scored exactly once, with no orphan rows."""

from __future__ import annotations

import os
import signal

import pytest

from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow, EvaluationRow
from callqa.workers.queues import INGEST_TASK, SCORE_TASK
from workers.workers_support import (
    Cluster,
    assert_exactly_once,
    demo_clips,
    demo_transcripts,
    failures,
    mid_task,
    pool_children,
    wait_for,
)

pytestmark = pytest.mark.issue(20)


def test_workers_killed_mid_task_leave_every_item_stored_and_scored_once(cluster: Cluster) -> None:
    inbox = cluster.folder / "in"
    inbox.mkdir()
    demo_clips(inbox, 3)
    demo_transcripts(inbox, 2)
    first = cluster.start_worker()
    assert cluster.callqa("ingest", "--enqueue", str(inbox)).returncode == 0

    # 1. The pool process transcribing a recording is killed: its worker hands the task out again.
    mid_task(first, cluster, INGEST_TASK, ".flac", 0.7)
    assert cluster.count(InteractionRow) == 0  # in the middle of the first one: nothing stored yet
    for child in pool_children(first.pid):
        os.kill(child, signal.SIGKILL)
    wait_for(lambda: cluster.count(InteractionRow) >= 1, 90, "a first interaction", cluster)

    # 2. The whole worker is killed while it transcribes another; a new worker takes the task over once
    #    the broker's visibility timeout has passed.
    recording = mid_task(first, cluster, INGEST_TASK, ".flac", 0.7)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert recording in [args[0] for args in cluster.taken_args(INGEST_TASK)]  # unacknowledged, not lost
    assert cluster.count(InteractionRow) < 5
    second = cluster.start_worker()
    wait_for(
        lambda: cluster.count(InteractionRow) == 5 and cluster.in_flight() == 0, 120, "the ingest", cluster
    )

    # 3. The whole worker is killed in the middle of a scoring batch; a third worker scores it.
    assert cluster.callqa("score", "--enqueue").returncode == 0
    wait_for(lambda: cluster.taken(SCORE_TASK) == 1, 30, "a worker to take the batch", cluster)
    mid_task(second, cluster, SCORE_TASK, "", 3.0)
    assert cluster.count(EvaluationRow) == 0 and cluster.count(AnalysisRow) == 0
    os.killpg(second.pid, signal.SIGKILL)
    second.wait(timeout=10)
    cluster.start_worker()
    wait_for(
        lambda: cluster.count(EvaluationRow) >= 5 and cluster.in_flight() == 0, 150, "the scoring", cluster
    )

    assert_exactly_once(cluster, 5)
    assert failures(cluster) == {}
