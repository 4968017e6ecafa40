"""Encryption at rest: writing into and reading out of the file store with a key, against the same file stored
in clear in the same run (the baseline), on a real call recording and on a large generated file.

    .venv/bin/python bench/storage_crypto.py [--audio ../shared/data/audio] [--large-mb 1024] [--repeat 3]

Each file runs in a fresh process (so its peak memory is its own): store it (with fsync) in clear and
encrypted, read it whole back, and read 64 KiB at 20 random offsets (what a seek in the audio player asks
for); the median of --repeat runs. Reads come from the page cache for both, so they measure the work, not
the disk. The stores are made in a temporary folder (``--scratch``), never beside the input.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from callqa.storage.files import FileStore
from callqa.storage.keys import KeyRing
from common import peak_mb, run_worker

SEEK = 65_536


def timed(action: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def drain(store: FileStore, uri: str) -> int:
    with store.open_blob(uri) as blob:
        return sum(len(piece) for piece in blob.read_range(0, blob.size))


def seeks(store: FileStore, uri: str, offsets: list[int]) -> None:
    with store.open_blob(uri) as blob:
        for offset in offsets:
            assert len(b"".join(blob.read_range(offset, offset + SEEK))) == SEEK


def measure(path: Path, repeat: int, scratch: str | None) -> dict[str, Any]:
    """Every figure for one file, in this process."""
    size = path.stat().st_size
    rng = random.Random(18)
    offsets = [rng.randrange(0, size - SEEK) for _ in range(20)]
    with tempfile.TemporaryDirectory(prefix="bench-crypto-", dir=scratch) as folder:
        clear = FileStore(Path(folder) / "clear")
        sealed = FileStore(Path(folder) / "sealed", KeyRing({"bench": os.urandom(32)}, "bench"))
        start_mb = peak_mb()
        figures = {
            "write_clear": timed(lambda: clear.put_file(path, "blob"), repeat),
            "write_sealed": timed(lambda: sealed.put_file(path, "blob"), repeat),
        }
        uri = clear.uri("blob")
        assert drain(sealed, uri) == drain(clear, uri) == size
        figures["read_clear"] = timed(lambda: drain(clear, uri), repeat)
        figures["read_sealed"] = timed(lambda: drain(sealed, uri), repeat)
        figures["seek_clear"] = timed(lambda: seeks(clear, uri, offsets), repeat) / len(offsets)
        figures["seek_sealed"] = timed(lambda: seeks(sealed, uri, offsets), repeat) / len(offsets)
        overhead = (Path(folder) / "sealed" / "blob").stat().st_size - size
    return {"size": size, **figures, "overhead": overhead, "start_mb": start_mb, "peak_mb": peak_mb()}


def generated(folder: Path, megabytes: int) -> Path:
    """A file of ``megabytes`` random MiB, written a MiB at a time."""
    path = folder / f"generated-{megabytes}MiB.bin"
    with path.open("wb") as out:
        for _ in range(megabytes):
            out.write(os.urandom(1 << 20))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=Path("../shared/data/audio"))
    parser.add_argument("--large-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--scratch", help="folder for the stores and the generated file (default: the system's)"
    )
    parser.add_argument("--worker", nargs=3, metavar=("FILE", "REPEAT", "SCRATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(Path(args.worker[0]), int(args.worker[1]), args.worker[2] or None)))
        return
    real = sorted(args.audio.glob("*.wav"))[:1]
    if not real:
        print(f"no recording in {args.audio}; only the generated file", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench-crypto-", dir=args.scratch) as folder:
        files = [*real, generated(Path(folder), args.large_mb)]
        rows = [(path, run_worker(__file__, str(path), str(args.repeat), folder)) for path in files]
    print(
        "| file | MB | write in clear MB/s | write encrypted MB/s | ÷ | read in clear MB/s "
        "| read decrypted MB/s | ÷ | 64 KiB seek, clear / encrypted (ms) | peak memory MB (at start) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path, r in rows:
        mb = r["size"] / 1e6
        rates = [mb / r[k] for k in ("write_clear", "write_sealed", "read_clear", "read_sealed")]
        print(
            f"| {path.name} | {mb:.1f} | {rates[0]:.0f} | {rates[1]:.0f} | {rates[0] / rates[1]:.2f}× "
            f"| {rates[2]:.0f} | {rates[3]:.0f} | {rates[2] / rates[3]:.2f}× "
            f"| {r['seek_clear'] * 1000:.2f} / {r['seek_sealed'] * 1000:.2f} "
            f"| {r['peak_mb']:.0f} ({r['start_mb']:.0f}) |"
        )
    print(
        f"\nsize on disk: + {rows[-1][1]['overhead']:,} bytes for {rows[-1][1]['size']:,} (header and tags)"
    )


if __name__ == "__main__":
    main()
