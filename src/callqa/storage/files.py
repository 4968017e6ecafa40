"""A file store for blobs, addressed by store-relative URIs (``callqa-files:audio/ab/abcd.flac``).

The root is a local folder by default (``<data_dir>/files``) or any fsspec URL (``s3://bucket/prefix``,
with fsspec and its backend installed). URIs are relative to the root, so a store can move without
rewriting the database. Local writes are atomic (a temporary file renamed into place).

With a storage key configured (``keys.py``) every blob is written encrypted (``sealed.py``); reading looks at
the blob's own header, so blobs written before a key was set, and blobs under an older key that is still
configured, keep reading until ``callqa storage rotate-key`` has moved them to the active key.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Self

from callqa.core.errors import CallqaError, ErrorCode
from callqa.storage.keys import NO_KEYS, KeyRing, key_ring
from callqa.storage.sealed import SealedReader, file_blocks, read_header, seal

if TYPE_CHECKING:
    from callqa.core.settings import Settings

SCHEME = "callqa-files:"
PART = ".part-"  # temporary files being written (never listed as blobs)
RESEAL_PART = ".part-reseal-"  # those of :meth:`FileStore.reseal`
STALE_S = 86_400  # a temporary file this old belongs to a write that died
_BLOCK = 1 << 16


def _key(uri: str) -> str:
    if not uri.startswith(SCHEME):
        raise CallqaError(ErrorCode.F100, uri=uri, reason=f"not a file-store URI (they start with {SCHEME})")
    key = uri[len(SCHEME) :]
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise CallqaError(ErrorCode.F100, uri=uri, reason="the path must be relative, without '..'")
    return key


class BlobReader:
    """The plaintext of one stored blob, decrypted chunk by chunk when it is stored encrypted; close it."""

    def __init__(self, handle: BinaryIO, sealed: SealedReader | None) -> None:
        self._handle, self._sealed = handle, sealed
        self.size: int = sealed.size if sealed is not None else handle.seek(0, os.SEEK_END)
        self.key_id: str | None = sealed.key_id if sealed is not None else None

    def read_range(self, start: int, stop: int) -> Iterator[bytes]:
        """Bytes ``start`` to ``stop`` (exclusive) of the plaintext, in pieces."""
        if self._sealed is not None:
            yield from self._sealed.read_range(start, stop)
            return
        self._handle.seek(start)
        left = min(stop, self.size) - start
        while left > 0 and (block := self._handle.read(min(_BLOCK, left))):
            left -= len(block)
            yield block

    def read_all(self) -> bytes:
        return b"".join(self.read_range(0, self.size))

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class FileStore:
    """Put, read and delete blobs under one root (a folder or an fsspec URL), encrypted with the active key
    of ``keys`` when there is one."""

    def __init__(self, root: str | Path, keys: KeyRing = NO_KEYS) -> None:
        text = str(root)
        self._remote = "://" in text and not text.startswith("file://")
        self.root = text.rstrip("/") if self._remote else str(Path(text.removeprefix("file://")))
        self.keys = keys
        self._fs: Any = None
        self._base = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> FileStore:
        """The configured store with the configured keys (F101 for a bad key setting)."""
        return cls(settings.resolved_file_store(), key_ring(settings))

    @property
    def remote(self) -> bool:
        """Whether the root is an fsspec URL rather than a local folder."""
        return self._remote

    def uri(self, key: str) -> str:
        return SCHEME + key

    def local_path(self, uri: str) -> Path | None:
        """The file behind ``uri`` when the store is a local folder. Its bytes are encrypted when a key was
        active as it was written: read it with :meth:`open_blob` rather than directly."""
        return None if self._remote else Path(self.root) / _key(uri)

    def put_file(self, source: Path, key: str) -> str:
        """Copy ``source`` into the store under ``key``; returns its URI."""
        with source.open("rb") as src:
            return self._put(file_blocks(src), key)

    def put_bytes(self, data: bytes, key: str) -> str:
        """Store ``data`` under ``key``; returns its URI."""
        return self._put([data], key)

    def open_blob(self, uri: str) -> BlobReader:
        """The blob's plaintext, ready to read whole or by range (close it, or use ``with``).

        Raises ``CallqaError``: F100 when it cannot be read, F102 when it is encrypted with a key that is
        not configured, F103 when the key does not open it or it was altered or truncated, F104 for a
        damaged header.
        """
        key = _key(uri)
        try:
            handle = self._open(key)
        except OSError as exc:
            raise CallqaError(ErrorCode.F100, uri=uri, reason=f"cannot read: {exc}") from exc
        try:
            return BlobReader(handle, self._sealed(handle, key, uri))
        except OSError as exc:
            handle.close()
            raise CallqaError(ErrorCode.F100, uri=uri, reason=f"cannot read: {exc}") from exc
        except BaseException:
            handle.close()
            raise

    def read_bytes(self, uri: str) -> bytes:
        """The whole blob's plaintext (errors as :meth:`open_blob`)."""
        try:
            with self.open_blob(uri) as blob:
                return blob.read_all()
        except OSError as exc:
            raise CallqaError(ErrorCode.F100, uri=uri, reason=f"cannot read: {exc}") from exc

    def key_id(self, uri: str) -> str | None:
        """The id of the key the blob is encrypted with; ``None`` for a blob stored in clear."""
        key = _key(uri)
        try:
            with self._open(key) as handle:
                header = read_header(handle, uri)
        except OSError as exc:
            raise CallqaError(ErrorCode.F100, uri=uri, reason=f"cannot read: {exc}") from exc
        return header.key_id if header is not None else None

    def exists(self, uri: str) -> bool:
        key = _key(uri)
        if self._remote:
            return bool(self._filesystem().exists(self._remote_path(key)))
        return (Path(self.root) / key).is_file()

    def delete(self, uri: str) -> None:
        """Remove a blob; a missing one is not an error."""
        key = _key(uri)
        if self._remote:
            fs, path = self._filesystem(), self._remote_path(key)
            if fs.exists(path):
                fs.rm(path)
            return
        (Path(self.root) / key).unlink(missing_ok=True)

    def blob_uris(self) -> Iterator[str]:
        """Every blob in the store, in path order (temporary and hidden files left out)."""
        if self._remote:
            base = self._remote_path("")
            found = sorted(str(p)[len(base) :] for p in self._filesystem().find(base))
        else:
            root = Path(self.root)
            found = sorted(
                path.relative_to(root).as_posix()
                for folder, _, names in os.walk(root)
                for path in (Path(folder) / name for name in names)
            )
        for key in found:
            if not any(part.startswith(".") for part in key.split("/")):
                yield self.uri(key)

    def reseal(self, uri: str) -> None:
        """Rewrite one blob under the active key (or in clear without one), replacing it atomically; a blob
        deleted or replaced meanwhile is left as it is now. Errors as :meth:`open_blob`."""
        key = _key(uri)
        before = self._stamp(key)
        with self.open_blob(uri) as blob:
            blocks = blob.read_range(0, blob.size)
            self._put(blocks, key, unchanged=lambda: self._stamp(key) == before, prefix=RESEAL_PART)

    def remove_leftovers(self) -> int:
        """Delete the temporary files interrupted writes left in a local store: every one of
        :meth:`reseal` (call this only while no other reseal runs), others once a day old."""
        if self._remote:
            return 0
        now, removed = time.time(), 0
        for path in Path(self.root).rglob(f"{PART}*"):
            with contextlib.suppress(OSError):
                if path.name.startswith(RESEAL_PART) or now - path.stat().st_mtime > STALE_S:
                    path.unlink()
                    removed += 1
        return removed

    def _sealed(self, handle: BinaryIO, key: str, uri: str) -> SealedReader | None:
        header = read_header(handle, uri)
        if header is None:
            return None
        secret = self.keys.key(header.key_id)
        if secret is None:
            raise CallqaError(ErrorCode.F102, uri=uri, key_id=header.key_id, known=self.keys.describe())
        return SealedReader(handle, header, secret, name=key, uri=uri)

    def _put(
        self,
        blocks: Iterable[bytes],
        key: str,
        unchanged: Callable[[], bool] | None = None,
        prefix: str = PART,
    ) -> str:
        uri = self.uri(key)
        _key(uri)
        if self._remote:
            self._put_remote(blocks, key, unchanged)
            return uri
        target = Path(self.root) / key
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=prefix, delete=False) as tmp:
            try:
                self._encode(blocks, key, tmp.write)
                tmp.flush()
                os.fsync(tmp.fileno())
            except BaseException:
                Path(tmp.name).unlink(missing_ok=True)
                raise
        if unchanged is not None and not unchanged():
            Path(tmp.name).unlink(missing_ok=True)
            return uri
        os.replace(tmp.name, target)
        return uri

    def _put_remote(self, blocks: Iterable[bytes], key: str, unchanged: Callable[[], bool] | None) -> None:
        fs, path = self._filesystem(), self._remote_path(key)
        if unchanged is None:  # object stores replace an object whole: readers never see half of it
            with fs.open(path, "wb") as out:
                self._encode(blocks, key, out.write)
            return
        folder, _, name = path.rpartition("/")
        part = f"{folder}/{RESEAL_PART}{name}-{os.urandom(4).hex()}"
        with fs.open(part, "wb") as out:
            self._encode(blocks, key, out.write)
        if unchanged():
            fs.mv(part, path)
        else:
            fs.rm(part)

    def _encode(self, blocks: Iterable[bytes], key: str, write: Callable[[bytes], object]) -> None:
        active = self.keys.active
        if active is None:
            for block in blocks:
                write(block)
            return
        secret = self.keys.key(active)
        assert secret is not None  # a KeyRing's active key is among its keys (keys.key_ring)
        seal(blocks, write, key_id=active, key=secret, name=key)

    def _stamp(self, key: str) -> tuple[object, ...] | None:
        try:
            if self._remote:
                info = self._filesystem().info(self._remote_path(key))
                return (info.get("size"), info.get("mtime"), info.get("LastModified"), info.get("ETag"))
            stat = (Path(self.root) / key).stat()
            return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except (OSError, FileNotFoundError):
            return None

    def _open(self, key: str) -> BinaryIO:
        if self._remote:
            handle: BinaryIO = self._filesystem().open(self._remote_path(key), "rb")
            return handle
        return (Path(self.root) / key).open("rb")

    def _remote_path(self, key: str) -> str:
        """``key``'s path as the fsspec filesystem names it (the root without its protocol)."""
        self._filesystem()
        return f"{self._base}/{key}"

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
            self._fs, base = fsspec.core.url_to_fs(self.root)
            self._base = str(base).rstrip("/")
        return self._fs
