"""Shared by the benchmarks: each case runs in a fresh child process and reports one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM covers this process image only; ru_maxrss keeps the
    parent's peak across fork and exec)."""
    fields = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmHWM"].split()[0]) / 1024


def run_worker(script: str, *args: str) -> dict[str, Any]:
    """Run ``script --worker ARGS...`` in a new interpreter; its last stdout line is the JSON result."""
    out = subprocess.run(
        [sys.executable, script, "--worker", *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def latencies_ms(call: Callable[[], Any], n: int) -> list[float]:
    """``call`` once to warm up, then ``n`` timed calls: their durations in ms, sorted."""
    call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)
