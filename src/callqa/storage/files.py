"""A file store for blobs, addressed by store-relative URIs (``callqa-files:audio/ab/abcd.flac``).

The root is a local folder by default (``<data_dir>/files``) or any fsspec URL (``s3://bucket/prefix``,
with fsspec and its backend installed). URIs are relative to the root, so a store can move without
rewriting the database. Local writes are atomic (a temporary file renamed into place).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from callqa.core.errors import CallqaError, ErrorCode

SCHEME = "callqa-files:"


def _key(uri: str) -> str:
    if not uri.startswith(SCHEME):
        raise CallqaError(ErrorCode.F100, uri=uri, reason=f"not a file-store URI (they start with {SCHEME})")
    key = uri[len(SCHEME) :]
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise CallqaError(ErrorCode.F100, uri=uri, reason="the path must be relative, without '..'")
    return key


class FileStore:
    """Put, read and delete blobs under one root (a folder or an fsspec URL)."""

    def __init__(self, root: str | Path) -> None:
        text = str(root)
        self._remote = "://" in text and not text.startswith("file://")
        self.root = text.rstrip("/") if self._remote else str(Path(text.removeprefix("file://")))
        self._fs: Any = None

    def uri(self, key: str) -> str:
        return SCHEME + key

    def local_path(self, uri: str) -> Path | None:
        """The file behind ``uri`` when the store is a local folder (players can stream it directly)."""
        return None if self._remote else Path(self.root) / _key(uri)

    def put_file(self, source: Path, key: str) -> str:
        """Copy ``source`` into the store under ``key``; returns its URI."""
        uri = self.uri(key)
        _key(uri)
        if self._remote:
            self._filesystem().put_file(str(source), f"{self.root}/{key}")
            return uri
        target = Path(self.root) / key
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as tmp:
            with source.open("rb") as src:
                shutil.copyfileobj(src, tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        return uri

    def put_bytes(self, data: bytes, key: str) -> str:
        """Store ``data`` under ``key``; returns its URI."""
        uri = self.uri(key)
        _key(uri)
        if self._remote:
            with self._filesystem().open(f"{self.root}/{key}", "wb") as out:
                out.write(data)
            return uri
        target = Path(self.root) / key
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target)
        return uri

    def read_bytes(self, uri: str) -> bytes:
        key = _key(uri)
        try:
            if self._remote:
                with self._filesystem().open(f"{self.root}/{key}", "rb") as src:
                    data: bytes = src.read()
                    return data
            return (Path(self.root) / key).read_bytes()
        except (OSError, FileNotFoundError) as exc:
            raise CallqaError(ErrorCode.F100, uri=uri, reason=f"cannot read: {exc}") from exc

    def exists(self, uri: str) -> bool:
        key = _key(uri)
        if self._remote:
            return bool(self._filesystem().exists(f"{self.root}/{key}"))
        return (Path(self.root) / key).is_file()

    def delete(self, uri: str) -> None:
        """Remove a blob; a missing one is not an error."""
        key = _key(uri)
        if self._remote:
            fs = self._filesystem()
            if fs.exists(f"{self.root}/{key}"):
                fs.rm(f"{self.root}/{key}")
            return
        (Path(self.root) / key).unlink(missing_ok=True)

    def _filesystem(self) -> Any:
        if self._fs is None:
            try:
                import fsspec  # type: ignore[import-untyped]
            except ImportError as exc:
                raise CallqaError(
                    ErrorCode.F100,
                    uri=self.root,
                    reason="a remote store needs `pip install fsspec` and its backend",
                ) from exc
            self._fs = fsspec.core.url_to_fs(self.root)[0]
        return self._fs
