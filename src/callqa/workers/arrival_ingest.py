"""Ingesting an arrival in this process (``callqa watch --ingest-here``: the embedded default's watch)."""

from __future__ import annotations

import posixpath
import tempfile
from pathlib import Path

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.runner import IngestReport, ingest_paths
from callqa.runtime import Runtime
from callqa.workers.arrivals import Arrival


def ingest_arrival(runtime: Runtime, arrival: Arrival) -> IngestReport:
    """Read one arrival into the database with the library ingest (its sidecar read beside it).

    A remote arrival is fetched with its sidecar into a temporary folder first. Bad content is a failure in
    the report (as ``callqa ingest`` reports it), never an exception; W121 when a remote file cannot be
    fetched (the arrival stays due and is tried again)."""
    if not arrival.is_remote:
        return _ingest(runtime, Path(arrival.path.removeprefix("file://")))
    with tempfile.TemporaryDirectory(prefix="callqa-arrival-") as folder:
        local = _fetch(arrival.path, Path(folder))
        if arrival.sidecar is not None:
            _fetch(arrival.sidecar, Path(folder))
        return _ingest(runtime, local)


def _ingest(runtime: Runtime, path: Path) -> IngestReport:
    return ingest_paths(
        [path],
        factory=runtime.factory,
        registry=default_registry(runtime.settings),
        config=runtime.config.ingest,
    )


def _fetch(url: str, folder: Path) -> Path:
    import fsspec  # type: ignore[import-untyped]  # present: the watcher listed this URL with it

    target = folder / posixpath.basename(url)
    try:
        with fsspec.open(url, "rb") as source, target.open("wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
    except Exception as exc:  # each backend raises its own
        raise CallqaError(ErrorCode.W121, path=url, reason=exc) from exc
    return target
