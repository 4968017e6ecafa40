"""Where a task's input file is: a path on the shared folder, a path relative to the file store, or an
fsspec URL (an S3-compatible bucket), fetched with its sidecar into a temporary folder for the ingest."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from callqa.ingest.file_metadata import SIDECAR_SUFFIXES


def is_url(uri: str) -> bool:
    return "://" in uri


@contextmanager
def local_input(uri: str, store_root: str) -> Iterator[Path]:
    """A local path holding the file ``uri`` names (which may not exist: the caller says why it matters).

    A relative ``uri`` is relative to the file store (``store_root``). A remote file is copied, with its
    sidecar, into a temporary folder removed afterwards; the remote original stays where it is.
    """
    if not is_url(uri):
        path = Path(uri)
        if path.is_absolute():
            yield path
            return
        uri = f"{store_root.rstrip('/')}/{uri}"
        if not is_url(uri):
            yield Path(uri)
            return
    if uri.startswith("file://"):
        yield Path(uri.removeprefix("file://"))
        return
    import fsspec  # type: ignore[import-untyped]

    filesystem, remote = fsspec.core.url_to_fs(uri)
    with tempfile.TemporaryDirectory(prefix="callqa-task-") as folder:
        name = PurePosixPath(remote)
        local = Path(folder) / name.name
        _fetch(filesystem, remote, local)
        for suffix in SIDECAR_SUFFIXES:
            sidecar = str(name.with_name(name.stem + suffix))
            if sidecar != remote:
                _fetch(filesystem, sidecar, local.with_name(local.stem + suffix))
        yield local


def _fetch(filesystem: Any, remote: str, local: Path) -> None:
    if filesystem.exists(remote):
        filesystem.get_file(remote, str(local))
