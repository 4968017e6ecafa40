"""A 200 MB JSON Lines file is streamed: everything stored, memory far below the file's size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import json, sys
from pathlib import Path
from callqa.db.engine import create_db_engine, session_factory
from callqa.db.migrate import upgrade
from callqa.core.config import IngestConfig
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import ingest_paths
engine = create_db_engine(sys.argv[1])
upgrade(engine)
report = ingest_paths([Path(sys.argv[2])], factory=session_factory(engine), registry=default_registry(),
                      config=IngestConfig())
# VmHWM belongs to this image only; ru_maxrss would carry over the forking pytest's peak.
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
peak = int(status["VmHWM"].split()[0]) / 1024
print(json.dumps({"stored": report.stored, "failures": [str(f) for f in report.failures], "peak_mb": peak}))
"""


def write_big_jsonl(path: Path, target_bytes: int) -> int:
    sentence = (
        "Thank you for calling Acme Bank, I can see the double charge on your statement and will reverse it. "
    )
    turns = [
        {"role": "agent" if i % 2 == 0 else "customer", "text": sentence * 4, "start_ms": i * 5000}
        for i in range(12)
    ]
    written = count = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target_bytes:
            line = json.dumps({"external_id": f"big-{count}", "channel": "voice", "turns": turns}) + "\n"
            out.write(line)
            written += len(line)
            count += 1
        out.write('{"external_id": "big-last", "channel": "voice", "turns": [{"role": "agent", "te')
    return count


@pytest.mark.slow
@pytest.mark.issue(2)
def test_200_mb_jsonl_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    data = tmp_path / "big.jsonl"
    count = write_big_jsonl(data, 200 * 1024 * 1024)
    assert data.stat().st_size > 200 * 1024 * 1024
    out = subprocess.run(
        [sys.executable, "-c", CHILD, f"sqlite:///{tmp_path / 'big.db'}", str(data)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["stored"] == count
    assert len(result["failures"]) == 1 and "[I200]" in result["failures"][0]
    assert f"big.jsonl:{count + 1}:" in result["failures"][0]
    # Loading the file whole would take well over 1 GB in Python objects; streaming stays near the baseline.
    assert result["peak_mb"] < 300, result
