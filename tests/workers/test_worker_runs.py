"""Two ``callqa worker`` processes ingest and score a folder of recordings and transcripts through a real
Redis broker into PostgreSQL: every item stored and scored exactly once, poison items recorded with their
cause while the rest is done, and the broker restarted mid-run loses nothing."""

from __future__ import annotations

import pytest

from callqa.interactions.models import InteractionRow
from callqa.scoring.models import EvaluationRow
from callqa.workers.queues import INGEST_TASK
from redis_support import RedisServer
from workers.workers_support import (
    Cluster,
    assert_exactly_once,
    demo_clips,
    demo_transcripts,
    failures,
    wait_for,
)

pytestmark = pytest.mark.issue(20)


def test_a_folder_goes_through_two_workers_once_with_poison_items_set_aside(cluster: Cluster) -> None:
    inbox = cluster.folder / "in"
    inbox.mkdir()
    demo_clips(inbox, 2)
    demo_transcripts(inbox, 3)
    (inbox / "broken.wav").write_text("this is not audio at all\n" * 20, encoding="utf-8")
    (inbox / "odd.txt").write_text("Robot: hello there\nCustomer: hi\n", encoding="utf-8")
    # One recording is named twice, then again in its folder: the first two deliveries run at once on the
    # two workers, the third finds the original deleted by whichever stored it.
    recording = str(inbox / "a-call-0.flac")
    enqueued = cluster.callqa("ingest", "--enqueue", recording, recording, str(inbox))
    assert enqueued.returncode == 0, enqueued.stderr
    assert enqueued.stdout.strip() == "enqueued 9 tasks on queue transcribe (9 files)"
    for _ in range(2):
        cluster.start_worker()

    wait_for(
        lambda: cluster.count(InteractionRow) == 5 and cluster.in_flight() == 0, 120, "the ingest", cluster
    )
    poison = failures(cluster)
    assert sorted(key.split("#")[0].rsplit("/", 1)[1] for key in poison) == ["broken.wav", "odd.txt"]
    broken = next(cause for key, cause in poison.items() if "broken.wav" in key)
    assert "[I700] cannot decode audio" in broken
    odd = next(cause for key, cause in poison.items() if "odd.txt" in key)
    assert "[I300] unknown role word 'Robot'" in odd

    scored = cluster.callqa("score", "--enqueue")
    twice = cluster.callqa("score", "--enqueue")  # the same batch again, unless the first was stored already

    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.strip() == "enqueued 1 tasks on queue score (5 interactions)"
    assert twice.returncode == 0, twice.stderr
    wait_for(
        lambda: cluster.count(EvaluationRow) >= 5 and cluster.in_flight() == 0, 150, "the scoring", cluster
    )
    assert_exactly_once(cluster, 5)

    # Enqueued again, nothing is done twice: known poison items are skipped, a stored file is unchanged.
    again = [str(inbox / name) for name in ("broken.wav", "odd.txt", "en-call-01.txt")]
    assert cluster.callqa("ingest", "--enqueue", *again).returncode == 0
    wait_for(lambda: cluster.in_flight() == 0, 60, "the second ingest", cluster)
    assert_exactly_once(cluster, 5)
    assert len(failures(cluster)) == 2
    assert cluster.logs().count("known poison item: skipped") >= 2
    rescore = cluster.callqa("score", "--enqueue")
    assert rescore.stdout.strip() == "enqueued 0 tasks on queue score (0 interactions)"


def test_a_broker_restarted_mid_run_loses_nothing(cluster: Cluster, private_redis: RedisServer) -> None:
    inbox = cluster.folder / "in"
    inbox.mkdir()
    demo_clips(inbox, 2)
    demo_transcripts(inbox, 3)
    cluster.start_worker()
    enqueued = cluster.callqa("ingest", "--enqueue", str(inbox))
    assert enqueued.returncode == 0, enqueued.stderr
    wait_for(lambda: cluster.taken(INGEST_TASK) >= 1, 60, "a worker to take a task", cluster)

    private_redis.restart()

    wait_for(
        lambda: cluster.count(InteractionRow) == 5 and cluster.in_flight() == 0, 120, "the ingest", cluster
    )
    scored = cluster.callqa("score", "--enqueue")
    assert scored.returncode == 0, scored.stderr
    wait_for(
        lambda: cluster.count(EvaluationRow) >= 5 and cluster.in_flight() == 0, 150, "the scoring", cluster
    )
    assert_exactly_once(cluster, 5)
    assert failures(cluster) == {}
