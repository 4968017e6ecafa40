"""Arrivals: the files a watched folder or fsspec URL brings, each taken once it is complete.

A file is taken when its size and stamp (mtime, or the store's ETag) stayed the same for ``stable_s`` (a
file still being copied is left alone) and, for a recording, once its sidecar JSON is there too or
``sidecar_wait_s`` has passed. Each arrival is recorded in the ``arrivals`` table under its address, size
and stamp (unique) before it is handed on, and marked enqueued after: record → enqueue → mark. A watcher
restarted on the same database enqueues nothing twice, and hands on again what it recorded but had not
marked (enqueuing is idempotent downstream).
"""

from __future__ import annotations

import logging
import os
import posixpath
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.discovery import IGNORED_SUFFIXES, is_hidden
from callqa.ingest.file_metadata import SIDECAR_SUFFIXES, is_sidecar
from callqa.ingest.formats.audio import SUFFIXES as RECORDING_SUFFIXES
from callqa.workers.models import ArrivalRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Arrival:
    """A complete file to ingest: ``path`` is a local path or a URL with its protocol."""

    id: int
    path: str
    size: int
    stamp: str
    sidecar: str | None = None

    @property
    def is_remote(self) -> bool:
        return "://" in self.path and not self.path.startswith("file://")


@dataclass(frozen=True, slots=True)
class Listed:
    size: int
    stamp: str


@dataclass(slots=True)
class _Seen:
    listed: Listed
    since: float  # when this size and stamp were first seen (the clock's time)


Enqueue = Callable[[Arrival], object]


class Watcher:
    """Polls one folder or URL; ``poll()`` records what became complete and returns what is due."""

    def __init__(
        self,
        url_or_folder: str | Path,
        factory: sessionmaker[Session],
        *,
        stable_s: float = 5.0,
        sidecar_wait_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = str(url_or_folder)
        self.factory = factory
        self.stable_s = stable_s
        self.sidecar_wait_s = sidecar_wait_s
        self.clock = clock
        self._listing = _listing_for(self.source)
        self._seen: dict[str, _Seen] = {}

    def poll(self) -> list[Arrival]:
        """Record the files that became complete since the last poll; return every arrival of this source
        recorded and not yet marked enqueued (the new ones and those a failed or crashed run left).

        Raises W120 when the place cannot be listed."""
        now = self.clock()
        files = self._listing.files()
        self._observe(files, now)
        complete = list(self._complete(files, now))
        if complete:
            self._record(complete)
        return self.due()

    def due(self) -> list[Arrival]:
        """Arrivals of this source recorded but not marked enqueued, oldest first."""
        with self.factory() as session:
            rows = session.scalars(
                select(ArrivalRow)
                .where(ArrivalRow.source == self.source, ArrivalRow.enqueued_at.is_(None))
                .order_by(ArrivalRow.id)
            )
            return [Arrival(r.id, r.path, r.size, r.stamp, r.sidecar) for r in rows]

    def mark_enqueued(self, arrival: Arrival) -> None:
        with self.factory.begin() as session:
            session.execute(
                update(ArrivalRow)
                .where(ArrivalRow.id == arrival.id, ArrivalRow.enqueued_at.is_(None))
                .values(enqueued_at=datetime.now(UTC))
            )

    # -- stability and sidecars -------------------------------------------------------------------------

    def _observe(self, files: dict[str, Listed], now: float) -> None:
        for path in set(self._seen) - set(files):
            del self._seen[path]  # gone (ingested and deleted, or moved away)
        for path, listed in files.items():
            seen = self._seen.get(path)
            if seen is None or seen.listed != listed:
                self._seen[path] = _Seen(listed, now)

    def _stable(self, path: str, now: float) -> bool:
        seen = self._seen.get(path)
        return seen is not None and now - seen.since >= self.stable_s

    def _complete(self, files: dict[str, Listed], now: float) -> Iterator[tuple[str, Listed, str | None]]:
        by_folder: dict[str, set[str]] = {}
        for path in files:
            folder, name = posixpath.split(path)
            by_folder.setdefault(folder, set()).add(name)
        for path, listed in files.items():
            folder, name = posixpath.split(path)
            siblings = by_folder[folder]
            if not _is_input(name, siblings) or not self._stable(path, now):
                continue
            sidecar = _sidecar_of(name, siblings)
            if sidecar is not None:
                sidecar_path = posixpath.join(folder, sidecar)
                if self._stable(sidecar_path, now):  # else: taken once the sidecar is complete too
                    yield path, listed, self._listing.address(sidecar_path)
            elif Path(name).suffix.lower() not in RECORDING_SUFFIXES:
                yield path, listed, None  # a transcript waits for no sidecar
            elif now - self._seen[path].since >= self.sidecar_wait_s:
                yield path, listed, None  # no sidecar came in time: taken on its own

    def _record(self, complete: list[tuple[str, Listed, str | None]]) -> None:
        for path, listed, sidecar in complete:
            address = self._listing.address(path)
            try:
                with self.factory.begin() as session:
                    known = session.scalar(
                        select(ArrivalRow.id).where(
                            ArrivalRow.path == address,
                            ArrivalRow.size == listed.size,
                            ArrivalRow.stamp == listed.stamp,
                        )
                    )
                    if known is None and not _was_sidecar(session, address):
                        session.add(
                            ArrivalRow(
                                source=self.source,
                                path=address,
                                size=listed.size,
                                stamp=listed.stamp,
                                sidecar=sidecar,
                                seen_at=datetime.now(UTC),
                            )
                        )
            except IntegrityError:
                pass  # another watcher of the same place recorded it first


def _was_sidecar(session: Session, address: str) -> bool:
    """Whether a file went with a recording before: a sidecar left behind once its recording was stored
    and deleted is no arrival of its own."""
    if not address.endswith(".json"):
        return False
    return session.scalar(select(ArrivalRow.id).where(ArrivalRow.sidecar == address).limit(1)) is not None


def deliver(watcher: Watcher, enqueue: Enqueue) -> list[Arrival]:
    """One round: poll, hand each due arrival to ``enqueue`` and mark it enqueued. An arrival whose
    ``enqueue`` raises stays unmarked and is handed on again next round. Returns those marked."""
    done: list[Arrival] = []
    for arrival in watcher.poll():
        try:
            enqueue(arrival)
        except Exception:
            log.exception("arrival %s: enqueue failed; tried again next round", arrival.path)
            continue
        watcher.mark_enqueued(arrival)
        done.append(arrival)
    return done


def run(watcher: Watcher, enqueue: Enqueue, interval_s: float, stop_event: threading.Event) -> int:
    """Deliver every ``interval_s`` until ``stop_event`` is set; returns how many arrivals were marked.
    A listing that fails (W120: the share or bucket unreachable) or a database away is logged and tried
    again next round."""
    total = 0
    while not stop_event.is_set():
        try:
            total += len(deliver(watcher, enqueue))
        except CallqaError as exc:
            log.warning("%s", exc)
        except SQLAlchemyError as exc:  # the database away for a while: nothing recorded, nothing lost
            log.warning("watch %s: database: %s", watcher.source, exc)
        stop_event.wait(interval_s)
    return total


# -- listing ---------------------------------------------------------------------------------------------


def _is_input(name: str, siblings: set[str]) -> bool:
    """Whether a file is one to ingest: not hidden, not a note, not a sidecar (nor one waiting for its
    recording: a lone ``x.meta.json``)."""
    if is_hidden(name) or Path(name).suffix.lower() in IGNORED_SUFFIXES or name.endswith(".part"):
        return False
    return not name.endswith(".meta.json") and not is_sidecar(Path(name), siblings)


def _sidecar_of(name: str, siblings: set[str]) -> str | None:
    """The sidecar beside a per-file input (none for files holding many interactions: ``export.csv``)."""
    stem = Path(name).stem
    for suffix in SIDECAR_SUFFIXES:
        candidate = stem + suffix
        if candidate != name and candidate in siblings and is_sidecar(Path(candidate), {name}):
            return candidate
    return None


class _Listing:
    def files(self) -> dict[str, Listed]:
        raise NotImplementedError

    def address(self, path: str) -> str:
        return path


class _Folder(_Listing):
    """A local folder, read with ``os`` (no fsspec needed)."""

    def __init__(self, root: str) -> None:
        self.root = root

    def files(self) -> dict[str, Listed]:
        if not os.path.isdir(self.root):
            raise CallqaError(ErrorCode.W120, source=self.root, reason="no such folder")
        found: dict[str, Listed] = {}
        for folder, subfolders, names in os.walk(self.root, onerror=self._fail):
            subfolders[:] = [s for s in subfolders if not is_hidden(s)]
            for name in names:
                path = posixpath.join(Path(folder).as_posix(), name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue  # gone between listing and stat
                found[path] = Listed(info.st_size, str(info.st_mtime_ns))
        return found

    def _fail(self, exc: OSError) -> None:
        if os.path.abspath(str(exc.filename)) == os.path.abspath(self.root):
            raise CallqaError(ErrorCode.W120, source=self.root, reason=exc.strerror or exc) from exc
        log.warning("watch %s: cannot list %s: %s", self.root, exc.filename, exc.strerror or exc)


class _Remote(_Listing):
    """An fsspec URL (``s3://bucket/incoming``, ``memory://in``)."""

    def __init__(self, url: str) -> None:
        try:
            import fsspec  # type: ignore[import-untyped]
        except ImportError as exc:
            raise CallqaError(
                ErrorCode.W120, source=url, reason="watching a URL needs `pip install fsspec`"
            ) from exc
        try:
            self.fs, self.root = fsspec.core.url_to_fs(url)
        except (ValueError, ImportError) as exc:
            raise CallqaError(ErrorCode.W120, source=url, reason=exc) from exc
        self.url = url

    def files(self) -> dict[str, Listed]:
        try:
            found: dict[str, dict[str, Any]] = self.fs.find(self.root, detail=True)
        except Exception as exc:  # each backend raises its own (OSError, botocore's, …)
            raise CallqaError(ErrorCode.W120, source=self.url, reason=exc) from exc
        return {
            path: Listed(int(info.get("size") or 0), _stamp(info))
            for path, info in found.items()
            if info.get("type", "file") == "file" and not _hidden_path(path)
        }

    def address(self, path: str) -> str:
        return str(self.fs.unstrip_protocol(path))


def _hidden_path(path: str) -> bool:
    return any(is_hidden(part) for part in path.split("/"))


def _stamp(info: dict[str, Any]) -> str:
    """What changes when a stored file is rewritten: its ETag, else its modification (or creation) time."""
    for key in ("ETag", "etag", "mtime", "LastModified", "last_modified", "created"):
        value = info.get(key)
        if value is not None:
            return value.isoformat() if isinstance(value, datetime) else str(value)
    return ""


def _listing_for(source: str) -> _Listing:
    if source.startswith("file://"):
        return _Folder(source.removeprefix("file://"))
    if "://" in source:
        return _Remote(source)
    return _Folder(source)
