"""Parsing slow files (recordings) ahead of the store loop, in worker processes.

Only formats that declare ``parallel = True`` go to the pool; the ingest loop still stores every file in
input order, one transaction per file, so the database sees the same sequence with or without workers.
Files already stored (recognised by the format's ``fingerprint``) are neither parsed nor submitted.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from callqa.core.config import IngestConfig
from callqa.core.errors import ErrorCode
from callqa.ingest.base import Failure, InputFormat, ParseResult, SourceRef
from callqa.ingest.discovery import InputFile


def parse_file(fmt: InputFormat, path: Path, config: IngestConfig) -> list[ParseResult]:
    """Every result of one file (runs in a worker process)."""
    return list(fmt.parse(path, config))


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_config(config: IngestConfig, workers: int) -> IngestConfig:
    """Split the cores between workers unless the config fixes the threads per transcription."""
    if config.audio.cpu_threads:
        return config
    threads = max(1, cores() // workers)
    return config.model_copy(update={"audio": config.audio.model_copy(update={"cpu_threads": threads})})


class ParallelParser:
    """Context manager: submits the ``parallel`` files to ``workers`` processes (when more than one)."""

    def __init__(
        self,
        planned: Sequence[InputFile],
        config: IngestConfig,
        workers: int,
        *,
        skip: Callable[[InputFile], bool],
    ) -> None:
        self._planned, self._config, self._workers, self._skip_check = planned, config, workers, skip
        self._skipped: set[Path] = set()
        self._futures: dict[Path, Future[list[ParseResult]]] = {}
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ParallelParser:
        slow = [f for f in self._planned if getattr(f.format, "parallel", False)]
        self._skipped = {f.path for f in slow if self._skip_check(f)}
        todo = [f for f in slow if f.path not in self._skipped]
        if self._workers > 1 and todo:
            self._pool = ProcessPoolExecutor(
                max_workers=min(self._workers, len(todo)), mp_context=multiprocessing.get_context("spawn")
            )
            config = worker_config(self._config, self._workers)
            for f in todo:
                self._futures[f.path] = self._pool.submit(parse_file, f.format, f.path, config)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def skipped(self, input_file: InputFile) -> bool:
        """Whether the file was found already stored (its parse was not run)."""
        return input_file.path in self._skipped

    def results(self, input_file: InputFile) -> list[ParseResult] | None:
        """The worker's results for a submitted file (waits for them); None: parse it inline."""
        future = self._futures.pop(input_file.path, None)
        if future is None:
            return None
        try:
            return future.result()
        except Exception as exc:  # a crashed worker loses one file's parse, never the run
            ref = SourceRef(input_file.path)
            return [Failure.coded(ref, ErrorCode.I103, reason=f"{input_file.format.name}: {exc!r}")]
