"""The live model worker in its own process, at a lower CPU priority than the event loop.

Embedding-model work (sentiment in languages VADER cannot read, semantic rules, knowledge suggestions) is
the heaviest thing live monitoring does. In a thread it would share the event loop's GIL; in a process
with ``nice`` 10 the operating system gives the loop (alerts, boards) the CPU first and the model the
rest, so a busy model delays its own results, never an alert. Jobs go over in batches; results come
back on a reader thread that hands them to the loop.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from callqa.core.settings import Settings
from callqa.live.inference import LiveModels
from callqa.live.monitor import ModelJob, ModelResult
from callqa.live.rules import load_rules
from callqa.runtime import Runtime

log = logging.getLogger(__name__)
NICE = 10
Deliver = Callable[[list[ModelJob], list[ModelResult]], None]


def _work(settings: Settings, jobs: Any, results: Any) -> None:
    with contextlib.suppress(OSError):  # a lower priority is a wish, not a need
        os.nice(NICE)
    # the parent migrated the database; this process opens the same runtime (settings, configuration file)
    with Runtime.open(settings, migrate=False) as runtime:
        models = LiveModels(load_rules(settings.live_rules_file), runtime.factory)
        while (batch := jobs.get()) is not None:
            try:
                results.put((batch, models.run(batch)))
            except Exception as exc:  # one failing batch must not stop the worker
                log.exception("live model batch")
                results.put((batch, exc))
    results.put(None)


class ModelProcess:
    """Send batches of jobs; ``deliver(jobs, results)`` is called on a reader thread as they finish."""

    def __init__(self, settings: Settings, deliver: Deliver) -> None:
        context = mp.get_context("spawn")  # no fork of a process holding sockets, threads and a loop
        self._jobs: Any = context.Queue()
        self._results: Any = context.Queue()
        self._process = context.Process(
            target=_work,
            args=(settings, self._jobs, self._results),
            name="callqa-live-models",
            daemon=True,
        )
        self._deliver = deliver
        self._reader = threading.Thread(target=self._read, name="callqa-live-model-results", daemon=True)
        self.in_flight = 0
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        """Start the process (call it off the event loop: starting an interpreter takes a while)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self._process.start()
        self._reader.start()

    def submit(self, batch: Sequence[ModelJob]) -> None:
        """Queue a batch (jobs wait in the queue until the process has started)."""
        if batch:
            with self._lock:
                self.in_flight += len(batch)
            self._jobs.put(list(batch))

    def _read(self) -> None:
        while (item := self._results.get()) is not None:
            batch, results = item
            with self._lock:
                self.in_flight -= len(batch)
            if isinstance(results, Exception):
                log.warning("live model batch failed: %s", results)
                continue
            self._deliver(batch, results)

    def stop(self, timeout_s: float = 10.0) -> None:
        """End the process (finishing the batch in hand), its reader thread and the queues between them."""
        if self._started:
            self._jobs.put(None)
            self._process.join(timeout_s)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout_s)
                self._results.put(None)  # the process could not say goodbye: wake the reader
            self._reader.join(timeout_s)
            # the process is gone: jobs still queued for it can never be read, and waiting for the queue's
            # feeder thread to push them into the full pipe hung the server's exit (seen under load)
            self._jobs.cancel_join_thread()
        for q in (self._jobs, self._results):
            q.close()
            q.join_thread()
