"""The enqueuer's drip feed: with a ceiling of N tasks in flight, the broker never holds more than N
(queued plus taken by workers), the enqueuer waits while the ceiling is reached, and everything arrives."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from callqa.interactions.models import InteractionRow
from workers.workers_support import Cluster, failures, wait_for

pytestmark = pytest.mark.issue(20)
CEILING = 3


def test_intake_never_exceeds_the_ceiling_and_waits_for_the_workers(cluster: Cluster) -> None:
    inbox = cluster.folder / "in"
    inbox.mkdir()
    for index in range(12):
        text = f"Agent: thank you for calling, this is call {index}\nCustomer: my card was charged twice\n"
        (inbox / f"call-{index:02}.txt").write_text(text, encoding="utf-8")
    samples: list[int] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            samples.append(cluster.in_flight())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    enqueuer = subprocess.Popen(
        [sys.executable, "-m", "callqa", "ingest", "--enqueue", str(inbox)],
        env=cluster.env(CALLQA_WORKER_MAX_IN_FLIGHT=str(CEILING)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # No worker yet: the enqueuer fills the broker up to the ceiling and waits there.
        wait_for(lambda: cluster.in_flight() == CEILING, 30, "the ceiling to be reached")
        time.sleep(1.0)
        assert enqueuer.poll() is None  # still waiting
        assert cluster.in_flight() == CEILING
        (inbox / "call-00.txt").unlink()  # enqueued, then gone before a worker took it: a poison item
        cluster.start_worker()
        out, err = enqueuer.communicate(timeout=90)
        wait_for(
            lambda: cluster.count(InteractionRow) == 11 and cluster.in_flight() == 0,
            60,
            "the ingest",
            cluster,
        )
    finally:
        sampling.set()
        sampler.join()
        if enqueuer.poll() is None:
            enqueuer.kill()
            enqueuer.wait()
    assert enqueuer.returncode == 0, err
    assert out.startswith("enqueued 12 tasks on queue transcribe (12 files); waited ")
    assert max(samples) == CEILING
    assert len(samples) > 100
    [(key, cause)] = failures(cluster).items()
    assert key.startswith(f"{inbox / 'call-00.txt'}#")
    gone = "not found in the file store (moved or deleted before a worker took it)"
    assert cause == f"[W112] {inbox / 'call-00.txt'}: {gone}"
