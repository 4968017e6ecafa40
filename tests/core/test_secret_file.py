"""Secrets generated on first start: concurrent first starts agree on one complete value."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

from callqa.core.secret_file import read_or_create_secret


def _start(path: str, gate: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue[str]) -> None:
    gate.wait()
    out.put(read_or_create_secret(Path(path)))


def test_the_first_start_creates_a_private_secret_and_later_starts_read_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "key.secret"
    value = read_or_create_secret(path)
    assert len(value) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_secret(path) == value
    assert sorted(p.name for p in path.parent.iterdir()) == ["key.secret"]  # no temporary file left


def test_concurrent_first_starts_all_get_the_same_complete_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")  # the target lives in this test module
    for attempt in range(3):
        path = tmp_path / f"key-{attempt}.secret"
        gate = context.Barrier(6)
        out: multiprocessing.Queue[str] = context.Queue()
        starts = [context.Process(target=_start, args=(str(path), gate, out)) for _ in range(6)]
        for start in starts:
            start.start()
        values = [out.get(timeout=60) for _ in starts]
        for start in starts:
            start.join(timeout=60)
        assert len(set(values)) == 1 and len(values[0]) >= 32
        assert path.read_text(encoding="ascii").strip() == values[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"key-{n}.secret" for n in range(3)]
