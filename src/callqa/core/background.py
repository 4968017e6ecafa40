"""Work in the background of a server: periodic jobs stopped cleanly on shutdown, and long tasks whose
progress a page polls."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any, Self

log = logging.getLogger(__name__)


class Periodic:
    """Call ``work`` every ``every_s`` seconds on a thread of its own until ``stop()``.

    An exception is logged and the work is tried again at the next tick: a failed refresh or delivery never
    stops the server. ``stop`` wakes the thread at once (no waiting out a sleep) and waits for the work in
    progress to finish.
    """

    def __init__(self, name: str, every_s: float, work: Callable[[], None]) -> None:
        self.name = name
        self.every_s = every_s
        self._work = work
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._work()
            except Exception:
                log.exception("%s failed; trying again in %.0f s", self.name, self.every_s)
            self._stopping.wait(self.every_s)


class Job:
    """One long task on a thread of its own whose progress a page can poll (``as_json``).

    ``work(progress)`` reports ``progress(done, total)`` as it goes; what it returns is kept as the result
    (shown by ``summary``), an exception as the error.
    """

    def __init__(
        self,
        name: str,
        work: Callable[[Callable[[int, int | None], None]], Any],
        summary: Callable[[Any], dict[str, Any]] = lambda _: {},
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.name = name
        self.done = 0
        self.total: int | None = None
        self.result: dict[str, Any] | None = None
        self.error: str | None = None
        self._work = work
        self._summary = summary
        self._thread = threading.Thread(target=self._run, name=f"job {name}", daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "done": self.done,
            "total": self.total,
            "finished": not self.running and (self.result is not None or self.error is not None),
            "result": self.result,
            "error": self.error,
        }

    def _progress(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total

    def _run(self) -> None:
        try:
            self.result = self._summary(self._work(self._progress))
        except Exception as exc:
            log.exception("%s failed", self.name)
            self.error = str(exc) or type(exc).__name__
