"""Arrivals on a local folder and on an fsspec URL (``memory://``): complete files only, a recording with its
sidecar, each enqueued once across restarts (record → enqueue → mark)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest
from sqlalchemy import func, select

from callqa.core.errors import CallqaError
from callqa.workers.arrivals import Arrival, Watcher, deliver
from callqa.workers.models import ArrivalRow
from support import Database

pytestmark = pytest.mark.issue(20)

TRANSCRIPT = "[00:00] Agent: Acme Bank, Anna.\n[00:03] Customer: Hi.\n"


class Clock:
    """A clock the test moves: stability is judged across time without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def memory_root() -> Iterator[str]:
    """A folder of its own in fsspec's in-memory filesystem, removed afterwards."""
    root = f"memory://in-{uuid.uuid4().hex}"
    yield root
    fs = fsspec.filesystem("memory")
    path = root.removeprefix("memory://")
    if fs.exists(path):
        fs.rm(path, recursive=True)


def arrivals_in(db: Database) -> list[tuple[str, bool]]:
    with db.factory() as session:
        rows = session.execute(select(ArrivalRow.path, ArrivalRow.enqueued_at).order_by(ArrivalRow.id))
        return [(path, enqueued is not None) for path, enqueued in rows]


def test_a_half_written_file_is_taken_only_once_it_stopped_growing(db: Database, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    clock = Clock()
    watcher = Watcher(inbox, db.factory, stable_s=5, clock=clock)
    call = inbox / "call-1.txt"
    call.write_text(TRANSCRIPT[:20], "utf-8")  # the copy has begun
    assert watcher.poll() == []
    clock.advance(10)
    with call.open("a", encoding="utf-8") as handle:
        handle.write(TRANSCRIPT[20:])  # still being written when the next look comes
    assert watcher.poll() == []
    assert arrivals_in(db) == []
    clock.advance(4)
    assert watcher.poll() == []  # unchanged, but not yet for stable_s
    clock.advance(1)
    [arrival] = watcher.poll()
    assert arrival.path == call.as_posix()
    assert arrival.size == len(TRANSCRIPT.encode())
    assert arrival.sidecar is None
    assert arrivals_in(db) == [(call.as_posix(), False)]  # recorded before it is handed on


def test_a_recording_waits_for_its_sidecar(db: Database, memory_root: str) -> None:
    fs, root = fsspec.core.url_to_fs(memory_root)
    clock = Clock()
    watcher = Watcher(memory_root, db.factory, stable_s=2, sidecar_wait_s=60, clock=clock)
    fs.pipe(f"{root}/2026/call-7.wav", b"RIFF" + b"\0" * 400)
    fs.pipe(f"{root}/2026/lonely.meta.json", b'{"agent": "a.kim"}')  # a sidecar whose recording is to come
    fs.pipe(f"{root}/2026/.partial.wav", b"RIFF")  # hidden: an upload tool's temporary file
    assert watcher.poll() == []
    clock.advance(30)
    assert watcher.poll() == []  # stable, but its sidecar has not come yet
    fs.pipe(f"{root}/2026/call-7.json", b'{"agent": "a.kim", "team": "North"}')
    clock.advance(1)
    assert watcher.poll() == []  # the sidecar is not stable yet
    clock.advance(2)
    [arrival] = watcher.poll()
    assert arrival.path == f"memory://{root}/2026/call-7.wav"
    assert arrival.sidecar == f"memory://{root}/2026/call-7.json"
    assert arrival.is_remote
    assert [path for path, _ in arrivals_in(db)] == [arrival.path]  # the sidecar is no arrival of its own


def test_a_recording_without_sidecar_is_taken_after_the_wait(db: Database, memory_root: str) -> None:
    fs, root = fsspec.core.url_to_fs(memory_root)
    clock = Clock()
    watcher = Watcher(memory_root, db.factory, stable_s=2, sidecar_wait_s=60, clock=clock)
    fs.pipe(f"{root}/call-8.mp3", b"ID3" + b"\0" * 100)
    watcher.poll()
    clock.advance(59)
    assert watcher.poll() == []
    clock.advance(1)
    [arrival] = watcher.poll()
    assert arrival.path.endswith("/call-8.mp3") and arrival.sidecar is None


def test_a_restarted_watcher_enqueues_nothing_twice(db: Database, memory_root: str) -> None:
    fs, root = fsspec.core.url_to_fs(memory_root)
    for name in ("a.txt", "b.txt"):
        fs.pipe(f"{root}/{name}", TRANSCRIPT.encode())
    enqueued: list[str] = []
    first = Watcher(memory_root, db.factory, stable_s=0)
    assert [a.path for a in deliver(first, lambda a: enqueued.append(a.path))] == enqueued
    assert len(enqueued) == 2
    restarted = Watcher(memory_root, db.factory, stable_s=0)  # a new process: nothing in memory
    assert deliver(restarted, lambda a: enqueued.append(a.path)) == []
    assert deliver(restarted, lambda a: enqueued.append(a.path)) == []
    assert len(enqueued) == 2
    fs.pipe(f"{root}/a.txt", (TRANSCRIPT + "[00:05] Agent: Bye.\n").encode())  # rewritten: new content
    assert [a.path for a in deliver(restarted, lambda a: enqueued.append(a.path))] == [
        f"memory://{root}/a.txt"
    ]
    with db.factory() as session:
        assert session.scalar(select(func.count(ArrivalRow.id))) == 3


def test_recorded_but_not_enqueued_is_enqueued_again_after_a_restart(db: Database, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "c.txt").write_text(TRANSCRIPT, "utf-8")

    def broker_down(arrival: Arrival) -> None:
        raise ConnectionError("broker down")

    crashed = Watcher(inbox, db.factory, stable_s=0)
    assert deliver(crashed, broker_down) == []
    assert arrivals_in(db) == [((inbox / "c.txt").as_posix(), False)]
    enqueued: list[Arrival] = []
    restarted = Watcher(inbox, db.factory, stable_s=0)
    assert deliver(restarted, enqueued.append) == enqueued
    assert [a.path for a in enqueued] == [(inbox / "c.txt").as_posix()]
    assert deliver(restarted, enqueued.append) == []
    assert arrivals_in(db) == [((inbox / "c.txt").as_posix(), True)]


def test_a_missing_folder_is_a_coded_error_naming_it(db: Database, tmp_path: Path) -> None:
    watcher = Watcher(tmp_path / "nowhere", db.factory)
    with pytest.raises(CallqaError) as caught:
        watcher.poll()
    assert caught.value.code.name == "W120"
    assert str(tmp_path / "nowhere") in str(caught.value) and "no such folder" in str(caught.value)


def test_a_sidecar_left_behind_once_its_recording_was_stored_is_no_arrival(
    db: Database, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "call-9.wav").write_bytes(b"RIFF" + b"\0" * 100)
    (inbox / "call-9.json").write_text('{"agent": "a.kim"}', "utf-8")
    watcher = Watcher(inbox, db.factory, stable_s=0)
    [arrival] = deliver(watcher, lambda a: None)
    assert arrival.sidecar == (inbox / "call-9.json").as_posix()
    (inbox / "call-9.wav").unlink()  # the ingest deletes a stored recording's original
    assert deliver(watcher, lambda a: None) == []
    assert deliver(Watcher(inbox, db.factory, stable_s=0), lambda a: None) == []
    assert [path for path, _ in arrivals_in(db)] == [(inbox / "call-9.wav").as_posix()]


def test_a_transcript_goes_with_its_sidecar_and_an_export_has_none(db: Database, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "call-3.txt").write_text(TRANSCRIPT, "utf-8")
    (inbox / "call-3.meta.json").write_text('{"agent": "a.kim"}', "utf-8")
    (inbox / "export.csv").write_text("id,text\n1,hi\n", "utf-8")
    (inbox / "export.json").write_text("[]", "utf-8")  # many interactions a file: no one's sidecar
    arrivals = {Path(a.path).name: a.sidecar for a in Watcher(inbox, db.factory, stable_s=0).poll()}
    assert arrivals == {
        "call-3.txt": (inbox / "call-3.meta.json").as_posix(),
        "export.csv": None,
        "export.json": None,
    }
