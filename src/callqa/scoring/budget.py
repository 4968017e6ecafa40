"""A time budget per interaction: one slow interaction is failed with a coded error, never the batch.

Python cannot stop a running thread, so the work runs in a daemon thread that is waited for at most the
budget; past it the interaction is reported and the caller moves on. The abandoned thread finishes (or not)
in the background, touching only that interaction's own analysis, and ends with the process at the latest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from callqa.core.errors import CallqaError, ErrorCode

T = TypeVar("T")


@dataclass
class Step:
    """What the work is doing now, so an overrun can say where it was."""

    name: str = "analysis"


@dataclass
class _Outcome(Generic[T]):
    value: T | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


def run_within(budget_s: float | None, work: Callable[[Step], T], spent: float = 0.0) -> T:
    """``work(step)``'s result, or its exception; raises S106 when it runs past the ``budget_s`` of which
    ``spent`` seconds were used already (with none left, it is not started)."""
    step = Step()
    if budget_s is None:
        return work(step)
    if spent >= budget_s:
        raise CallqaError(ErrorCode.S106, budget=budget_s, step=step.name)
    outcome: _Outcome[T] = _Outcome()

    def run() -> None:
        try:
            outcome.value = work(step)
        except BaseException as exc:  # handed to the caller, which decides what is expected
            outcome.error = exc
        finally:
            outcome.done.set()

    threading.Thread(target=run, name="callqa-score-item", daemon=True).start()
    if not outcome.done.wait(budget_s - spent):
        raise CallqaError(ErrorCode.S106, budget=budget_s, step=step.name)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]  # set whenever work returned
