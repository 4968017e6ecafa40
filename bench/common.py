"""Shared by the benchmarks: each case runs in a fresh child process and reports one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
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
