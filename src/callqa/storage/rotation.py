"""Which key each blob is under, and moving every blob to the active key (``callqa storage``).

Rotation rewrites one blob at a time, each replaced atomically, and skips blobs already under the active
key: a run that is killed leaves every blob readable (old key or new) and the next run finishes the rest.
One rotation at a time per local store (a lock file in its root).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from callqa.core.errors import CallqaError, ErrorCode
from callqa.storage.files import FileStore

CLEAR = "(none)"  # how blobs stored in clear are counted
LOCK = ".rotate.lock"


@dataclass
class StoreStatus:
    """Blobs (and bytes on disk) per key id they are encrypted with; ``CLEAR`` for blobs in clear."""

    active: str | None
    configured: list[str]
    blobs: Counter[str] = field(default_factory=Counter)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # uri, why

    @property
    def missing_keys(self) -> list[str]:
        """Key ids blobs are under that the configuration lacks (those blobs cannot be read)."""
        return sorted(k for k in self.blobs if k != CLEAR and k not in self.configured)


@dataclass
class RotationReport:
    """What a rotation did (or, with ``dry_run``, would do)."""

    active: str
    dry_run: bool
    current: int = 0  # already under the active key
    rewritten: Counter[str] = field(default_factory=Counter)  # by the key they were under (or CLEAR)
    failed: list[tuple[str, str]] = field(default_factory=list)  # uri, coded error
    leftovers: int = 0  # temporary files of an interrupted run, removed
    interrupted: bool = False  # stopped by Ctrl-C: the blob being rewritten was left as it was

    @property
    def examined(self) -> int:
        return self.current + sum(self.rewritten.values()) + len(self.failed)


def store_status(store: FileStore) -> StoreStatus:
    """Count the store's blobs by the key id in their header (reads only the headers)."""
    status = StoreStatus(store.keys.active, sorted(store.keys.keys))
    for uri in store.blob_uris():
        try:
            status.blobs[store.key_id(uri) or CLEAR] += 1
        except CallqaError as exc:
            status.unreadable.append((uri, str(exc)))
    return status


def rotate_keys(
    store: FileStore,
    *,
    dry_run: bool = False,
    on_blob: Callable[[str, str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RotationReport:
    """Re-encrypt with the active key every blob that is not under it (blobs in clear included).

    ``on_blob(uri, outcome)`` is told of each blob as it is done: ``current``, ``rewritten`` or ``failed``;
    ``progress(done, total)`` counts them.
    A blob that cannot be read (its key not configured, altered) is reported and skipped; the rest go on.
    Ctrl-C stops the run between blobs (the report says so); run it again to finish.
    Raises ``CallqaError`` (F105) when no key is active or another rotation holds the store.
    """
    active = store.keys.active
    if active is None:
        raise CallqaError(
            ErrorCode.F105,
            root=store.root,
            reason="no storage key is configured to rotate to (set CALLQA_STORAGE_KEYS and "
            "CALLQA_STORAGE_ACTIVE_KEY)",
        )
    report = RotationReport(active, dry_run)
    with _exclusive(store):
        if not dry_run:
            report.leftovers = store.remove_leftovers()
        uris = list(store.blob_uris())
        try:
            for done, uri in enumerate(uris, start=1):
                outcome = _rotate_one(store, uri, report)
                if on_blob is not None:
                    on_blob(uri, outcome)
                if progress is not None:
                    progress(done, len(uris))
        except KeyboardInterrupt:
            report.interrupted = True
    return report


def _rotate_one(store: FileStore, uri: str, report: RotationReport) -> str:
    try:
        was = store.key_id(uri)
        if was == report.active:
            report.current += 1
            return "current"
        if report.dry_run:
            store.open_blob(uri).close()  # would it open? (a missing key is a failure, not a rotation)
        else:
            store.reseal(uri)
    except CallqaError as exc:
        report.failed.append((uri, str(exc)))
        return "failed"
    report.rewritten[was or CLEAR] += 1
    return "rewritten"


@contextlib.contextmanager
def _exclusive(store: FileStore) -> Iterator[None]:
    """Hold the store's rotation lock (a local store; an object store has no lock to take)."""
    if store.remote:
        yield
        return
    import fcntl

    root = Path(store.root)
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CallqaError(
                ErrorCode.F105, root=store.root, reason="another key rotation is running on this store"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
