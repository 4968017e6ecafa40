"""Key rotation (issue 18): every blob moves to the active key (blobs in clear too), one at a time and
atomically, so a run stopped or killed anywhere leaves every blob readable and the next run finishes; the
old key can then go. ``callqa storage status`` / ``rotate-key`` report counts and rotations are audited."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.storage.files import FileStore
from callqa.storage.rotation import CLEAR, LOCK, rotate_keys, store_status
from storage.crypto_support import DEMO_CALL, fresh_key, key_text, recordings, ring
from support import Database

pytestmark = pytest.mark.issue(18)
SRC = Path(__file__).resolve().parents[2] / "src"


def fill(root: Path, key_a: bytes) -> dict[str, bytes]:
    """A store as a deployment has it after turning encryption on: old blobs in clear, new ones under A."""
    contents: dict[str, bytes] = {}
    clear = FileStore(root)
    for path in recordings():
        contents[clear.put_file(path, f"audio/old/{path.name}")] = path.read_bytes()
    contents[clear.put_bytes(b'{"peaks":[0,3,1]}', "audio/old/peaks.json")] = b'{"peaks":[0,3,1]}'
    with_a = FileStore(root, ring("a", a=key_a))
    for path in recordings():
        contents[with_a.put_file(path, f"audio/new/{path.name}")] = path.read_bytes()
    return contents


def on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_rotation_from_a_to_b_then_a_removed_keeps_every_blob_readable(tmp_path: Path) -> None:
    root, key_a, key_b = tmp_path / "files", fresh_key(), fresh_key()
    contents = fill(root, key_a)
    both = FileStore(root, ring("b", a=key_a, b=key_b))
    assert store_status(both).blobs == Counter({CLEAR: len(recordings()) + 1, "a": len(recordings())})

    report = rotate_keys(both)

    assert report.rewritten == Counter({CLEAR: len(recordings()) + 1, "a": len(recordings())})
    assert (report.current, report.failed, report.interrupted) == (0, [], False)
    only_b = FileStore(root, ring("b", b=key_b))
    assert store_status(only_b).blobs == Counter({"b": len(contents)})
    for uri, data in contents.items():
        assert only_b.read_bytes(uri) == data, uri
    assert not [p for p in root.rglob(".part-*")]
    again = rotate_keys(only_b)  # nothing left to do
    assert again.current == len(contents) and not again.rewritten


def test_a_dry_run_counts_and_changes_nothing(tmp_path: Path) -> None:
    root, key_a = tmp_path / "files", fresh_key()
    fill(root, key_a)
    before = on_disk(root)
    report = rotate_keys(FileStore(root, ring("b", a=key_a, b=fresh_key())), dry_run=True)
    assert report.dry_run and sum(report.rewritten.values()) == len(before)
    assert {k: v for k, v in on_disk(root).items() if k != LOCK} == before


def test_a_blob_under_an_unknown_key_is_reported_and_the_rest_rotate(tmp_path: Path) -> None:
    root, key_a = tmp_path / "files", fresh_key()
    lost = FileStore(root, ring("z", z=fresh_key())).put_file(DEMO_CALL, "audio/lost.flac")
    kept = FileStore(root, ring("a", a=key_a)).put_file(DEMO_CALL, "audio/kept.flac")
    store = FileStore(root, ring("b", a=key_a, b=fresh_key()))
    report = rotate_keys(store)
    assert report.rewritten == Counter({"a": 1})
    assert report.failed == [(lost, report.failed[0][1])] and "[F102]" in report.failed[0][1]
    assert store.key_id(kept) == "b" and store.key_id(lost) == "z"
    status = store_status(store)
    assert status.missing_keys == ["z"] and status.blobs == Counter({"b": 1, "z": 1})


def test_a_rotation_stopped_between_blobs_is_finished_by_the_next_run(tmp_path: Path) -> None:
    root, key_a, key_b = tmp_path / "files", fresh_key(), fresh_key()
    contents = fill(root, key_a)
    store = FileStore(root, ring("b", a=key_a, b=key_b))
    done: list[str] = []

    def stop_after_two(uri: str, outcome: str) -> None:
        done.append(uri)
        if len(done) == 2:
            raise KeyboardInterrupt  # Ctrl-C

    stopped = rotate_keys(store, on_blob=stop_after_two)

    assert stopped.interrupted and stopped.examined == 2
    assert store_status(store).blobs["b"] == 2
    assert all(store.read_bytes(uri) == data for uri, data in contents.items())
    finished = rotate_keys(store)
    assert finished.current == 2 and sum(finished.rewritten.values()) == len(contents) - 2
    assert store_status(FileStore(root, ring("b", b=key_b))).blobs == Counter({"b": len(contents)})


def test_a_killed_rotation_leaves_every_blob_readable_and_a_rerun_finishes(tmp_path: Path) -> None:
    root, key_a, key_b = tmp_path / "files", fresh_key(), fresh_key()
    audio = DEMO_CALL.read_bytes()
    with_a = FileStore(root, ring("a", a=key_a))
    contents = {
        with_a.put_bytes(audio[i * 4096 : i * 4096 + 200_000], f"audio/{i:03d}.flac"): b"" for i in range(200)
    }
    contents = {uri: with_a.read_bytes(uri) for uri in contents}
    first, last = min(contents), max(contents)
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "CALLQA_DATA_DIR": str(tmp_path / "data"),
        "CALLQA_FILE_STORE": str(root),
        "CALLQA_STORAGE_KEYS": f"{key_text('a', key_a)},{key_text('b', key_b)}",
        "CALLQA_STORAGE_ACTIVE_KEY": "b",
    }
    env.pop("CALLQA_DATABASE_URL", None)
    env.pop("CALLQA_CONFIG_FILE", None)
    command = [sys.executable, "-m", "callqa", "storage", "rotate-key"]
    both = FileStore(root, ring("b", a=key_a, b=key_b))
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None and both.key_id(first) != "b":
            time.sleep(0.002)
    finally:
        process.send_signal(signal.SIGKILL)  # mid-run: blobs are rewritten in path order
        process.wait()
    assert both.key_id(first) == "b" and both.key_id(last) == "a", "the kill did not land mid-run"
    assert all(both.read_bytes(uri) == data for uri, data in contents.items())  # old key or new, all whole
    assert sorted(both.blob_uris()) == sorted(contents)  # a half-written copy is never taken for a blob

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    done = int(rerun.stdout.split(" already under it")[0].rsplit(" ", 1)[1])
    assert f"200 blobs: re-encrypted {200 - done} with key b ({200 - done} from a)" in rerun.stdout
    assert rerun.stdout.splitlines()[0].endswith("0 failed")
    only_b = FileStore(root, ring("b", b=key_b))
    assert store_status(only_b).blobs == Counter({"b": 200})
    assert all(only_b.read_bytes(uri) == data for uri, data in contents.items())
    assert not list(root.rglob(".part-*"))


def test_an_object_store_rotates_the_same_way() -> None:
    root, key_a, key_b = f"memory://callqa-rotate-{os.getpid()}", fresh_key(), fresh_key()
    clear = FileStore(root).put_file(DEMO_CALL, "audio/old.flac")
    sealed = FileStore(root, ring("a", a=key_a)).put_file(DEMO_CALL, "audio/new.flac")
    report = rotate_keys(FileStore(root, ring("b", a=key_a, b=key_b)))
    assert report.rewritten == Counter({CLEAR: 1, "a": 1}) and not report.failed
    only_b = FileStore(root, ring("b", b=key_b))
    assert sorted(only_b.blob_uris()) == [sealed, clear]  # no temporary object left behind
    assert only_b.read_bytes(clear) == only_b.read_bytes(sealed) == DEMO_CALL.read_bytes()
    for uri in (clear, sealed):
        only_b.delete(uri)


def test_one_rotation_at_a_time(tmp_path: Path) -> None:
    root = tmp_path / "files"
    root.mkdir()
    store = FileStore(root, ring("a", a=fresh_key()))
    with (root / LOCK).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Exception, match=r"\[F105\] file store .*another key rotation is running"):
            rotate_keys(store)


runner = CliRunner()


@pytest.mark.db
def test_cli_status_and_rotation_are_reported_and_audited(
    cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, key_a, key_b = tmp_path / "data" / "files", fresh_key(), fresh_key()
    contents = fill(root, key_a)
    old, new = len(recordings()) + 1, len(recordings())
    monkeypatch.setenv("CALLQA_STORAGE_KEYS", f"{key_text('a', key_a)},{key_text('b', key_b)}")
    monkeypatch.setenv("CALLQA_STORAGE_ACTIVE_KEY", "b")

    status = runner.invoke(app, ["storage", "status"], env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output
    assert f"│ (none) │ {old}" in status.output and f"│ a      │ {new}" in status.output
    assert "active key: b" in status.output
    dry = runner.invoke(app, ["storage", "rotate-key", "--dry-run"], env={"COLUMNS": "200"})
    assert dry.exit_code == 0, dry.output
    assert f"would re-encrypt {old + new} with key b ({old} from (none), {new} from a)" in dry.output
    rotated = runner.invoke(app, ["storage", "rotate-key"], env={"COLUMNS": "200"})
    assert rotated.exit_code == 0, rotated.output
    assert f"{old + new} blobs: re-encrypted {old + new} with key b" in rotated.output

    monkeypatch.setenv("CALLQA_STORAGE_KEYS", key_text("b", key_b))  # key A retired
    after = runner.invoke(app, ["storage", "status"], env={"COLUMNS": "200"})
    assert after.exit_code == 0 and f"│ b      │ {old + new}" in after.output
    store = FileStore(root, ring("b", b=key_b))
    assert all(store.read_bytes(uri) == data for uri, data in contents.items())
    with cli_env.factory() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.client == "cli")).all()
    assert [(r.action, r.resource) for r in rows] == [("rotate_key", "file_store")]  # the dry run is not
    assert rows[0].username.startswith("cli:")
    assert rows[0].detail == {
        "to_key": "b",
        "rewritten": {"(none)": old, "a": new},
        "current": 0,
        "failed": 0,
        "interrupted": False,
    }
    assert key_text("b", key_b).split(":")[1] not in str(rows[0].detail)


def test_cli_status_fails_for_blobs_whose_key_is_gone(cli_env: Database, tmp_path: Path) -> None:
    root = tmp_path / "data" / "files"
    FileStore(root, ring("old", old=fresh_key())).put_file(DEMO_CALL, "audio/call.flac")
    status = runner.invoke(app, ["storage", "status"], env={"COLUMNS": "200"})
    assert status.exit_code == 1
    assert "│ old    │ 1     │ NOT CONFIGURED: these blobs cannot be read │" in status.output
    rotate = runner.invoke(app, ["storage", "rotate-key"])
    assert rotate.exit_code == 2 and "[F105]" in rotate.output
    assert "no storage key is configured" in rotate.output
    bad = runner.invoke(app, ["storage", "status"], env={"CALLQA_STORAGE_KEYS": "old:short"})
    assert bad.exit_code == 2
    assert "[F101] storage keys (CALLQA_STORAGE_KEYS): key 'old' is not base64" in bad.output


def test_new_key_prints_a_usable_key() -> None:
    made = runner.invoke(app, ["storage", "new-key", "k2027"])
    assert made.exit_code == 0
    key_id, _, encoded = made.output.strip().partition(":")
    assert key_id == "k2027" and len(encoded) == 44
    assert runner.invoke(app, ["storage", "new-key", "bad/id"]).exit_code == 2
