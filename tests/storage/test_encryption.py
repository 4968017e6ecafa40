"""Encryption at rest (issue 18): real recordings written encrypted read back byte for byte, nothing of them
readable on disk, and every way a blob can be damaged or mis-keyed is a coded error, never plaintext."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.storage.files import FileStore
from callqa.storage.keys import key_ring
from callqa.storage.sealed import CHUNK_SHIFT, MAGIC
from storage.crypto_support import (
    DEMO_CALL,
    fresh_key,
    key_text,
    recordings,
    ring,
    shares_a_window,
)

pytestmark = pytest.mark.issue(18)
CHUNK = 1 << CHUNK_SHIFT


@pytest.fixture
def key_a() -> bytes:
    return fresh_key()


@pytest.fixture
def store(tmp_path: Path, key_a: bytes) -> FileStore:
    return FileStore(tmp_path / "files", ring("a", a=key_a))


@pytest.mark.parametrize("recording", recordings(), ids=lambda p: p.name)
def test_a_recording_is_stored_encrypted_and_reads_back_byte_identical(
    store: FileStore, recording: Path
) -> None:
    original = recording.read_bytes()
    uri = store.put_file(recording, f"audio/ab/{recording.name}")

    on_disk = (store.local_path(uri) or Path()).read_bytes()
    assert on_disk.startswith(MAGIC) and store.key_id(uri) == "a"
    assert not shares_a_window(original, on_disk)  # no 64-byte run of the recording is on disk
    assert store.read_bytes(uri) == original
    with store.open_blob(uri) as blob:
        assert blob.size == len(original) and blob.key_id == "a"
        rng = random.Random(18)
        edges = [CHUNK - 1, CHUNK, CHUNK + 1, len(original) - 1]
        spans = [(s, s + 2) for s in edges] + [(0, len(original)), (len(original) - 10, len(original) + 99)]
        for _ in range(30):
            start = rng.randrange(len(original))
            spans.append((start, start + rng.randrange(1, 3 * CHUNK)))
        for start, stop in spans:  # ranges across chunk edges decrypt only what they cover
            assert b"".join(blob.read_range(start, stop)) == original[start:stop], (start, stop)


def test_the_plaintext_search_finds_a_recording_stored_in_clear(tmp_path: Path) -> None:
    clear = FileStore(tmp_path / "clear")
    uri = clear.put_file(DEMO_CALL, "audio/call.flac")
    assert clear.key_id(uri) is None
    assert shares_a_window(DEMO_CALL.read_bytes(), (clear.local_path(uri) or Path()).read_bytes())


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK])
def test_sizes_at_chunk_edges_round_trip(store: FileStore, size: int) -> None:
    data = os.urandom(size)
    uri = store.put_bytes(data, f"blobs/{size}.bin")
    assert store.read_bytes(uri) == data
    with store.open_blob(uri) as blob:
        assert blob.size == size
        assert b"".join(blob.read_range(max(size - 5, 0), size + 5)) == data[max(size - 5, 0) :]


def test_blobs_in_clear_from_before_the_key_keep_reading(tmp_path: Path, key_a: bytes) -> None:
    legacy = FileStore(tmp_path / "files").put_file(DEMO_CALL, "audio/old.flac")
    store = FileStore(tmp_path / "files", ring("a", a=key_a))
    new = store.put_file(DEMO_CALL, "audio/new.flac")
    assert store.key_id(legacy) is None and store.key_id(new) == "a"
    assert store.read_bytes(legacy) == store.read_bytes(new) == DEMO_CALL.read_bytes()


def _stored(store: FileStore, uri: str) -> Path:
    path = store.local_path(uri)
    assert path is not None
    return path


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (11, "encrypted with key '`', which is not configured"),  # the key id ('a' → '`')
        (12, "the key does not open this blob"),  # the chunk nonce prefix (authenticated with the data key)
        (30, "the key does not open this blob"),  # the wrapped data key
        (200, "chunk 0 fails authentication: the blob was altered"),
        (-5, "the blob is truncated or was extended"),  # the final chunk's tag
    ],
)
def test_one_altered_byte_is_a_coded_error_naming_the_blob_and_key(
    store: FileStore, where: int, message: str
) -> None:
    uri = store.put_bytes(DEMO_CALL.read_bytes() * 2, "audio/call.flac")  # two chunks of real audio
    path = _stored(store, uri)
    _flip(path, where if where >= 0 else path.stat().st_size + where)
    with pytest.raises(CallqaError) as caught:
        store.read_bytes(uri)
    text = str(caught.value)
    assert text.startswith("[F10") and uri in text and message in text
    if where != 11:  # the altered id names a key the store lacks (F102)
        assert text.startswith(f"[F103] file store {uri}: cannot decrypt with key 'a'")


def test_an_altered_middle_chunk_fails_only_when_a_range_reaches_it(store: FileStore) -> None:
    data = os.urandom(3 * CHUNK)
    uri = store.put_bytes(data, "blobs/three.bin")
    path = _stored(store, uri)
    _flip(path, path.stat().st_size - CHUNK - 100)  # inside chunk 1
    with store.open_blob(uri) as blob:
        assert b"".join(blob.read_range(0, CHUNK)) == data[:CHUNK]  # chunk 0 is still authentic
        with pytest.raises(CallqaError, match=r"\[F103\].*chunk 1 fails authentication"):
            b"".join(blob.read_range(0, 3 * CHUNK))


@pytest.mark.parametrize("cut", ["mid-chunk", "chunk-edge", "header", "appended"])
def test_a_truncated_or_extended_blob_is_refused_before_any_byte(store: FileStore, cut: str) -> None:
    data = os.urandom(2 * CHUNK + 1000)
    uri = store.put_bytes(data, "blobs/cut.bin")
    path = _stored(store, uri)
    sealed = path.read_bytes()
    header = len(sealed) - (3 * 16 + len(data))
    changed = {
        "mid-chunk": sealed[:-500],
        "chunk-edge": sealed[: header + 2 * (CHUNK + 16)],  # two whole chunks, the final one gone
        "header": sealed[:20],
        "appended": sealed + os.urandom(40),
    }[cut]
    path.write_bytes(changed)
    with pytest.raises(CallqaError) as caught:
        store.open_blob(uri)
    expected = "[F104]" if cut == "header" else "[F103]"
    assert str(caught.value).startswith(expected) and uri in str(caught.value)


def test_a_missing_key_names_the_blob_and_the_key_id(tmp_path: Path, key_a: bytes) -> None:
    uri = FileStore(tmp_path / "files", ring("a", a=key_a)).put_file(DEMO_CALL, "audio/call.flac")
    without = FileStore(tmp_path / "files", ring("b", b=fresh_key()))
    with pytest.raises(CallqaError) as caught:
        without.read_bytes(uri)
    assert str(caught.value) == (
        f"[F102] file store {uri}: encrypted with key 'a', which is not configured (configured: b); "
        "add it to CALLQA_STORAGE_KEYS or restore it from your key backup"
    )
    with pytest.raises(CallqaError, match=r"\[F102\]"):
        FileStore(tmp_path / "files").read_bytes(uri)  # no keys at all: still no ciphertext handed out


def test_another_key_under_the_same_id_and_a_moved_blob_do_not_open(tmp_path: Path, key_a: bytes) -> None:
    store = FileStore(tmp_path / "files", ring("a", a=key_a))
    uri = store.put_file(DEMO_CALL, "audio/one.flac")
    with pytest.raises(CallqaError, match=r"\[F103\].*cannot decrypt with key 'a': the key does not open"):
        FileStore(tmp_path / "files", ring("a", a=fresh_key())).read_bytes(uri)
    os.rename(_stored(store, uri), tmp_path / "files" / "audio" / "two.flac")  # swapped for another call
    with pytest.raises(CallqaError, match=r"\[F103\].*moved from another path"):
        store.read_bytes("callqa-files:audio/two.flac")


def test_an_object_store_is_encrypted_the_same_way(key_a: bytes) -> None:
    store = FileStore(f"memory://callqa-test-{os.getpid()}", ring("a", a=key_a))
    uri = store.put_file(DEMO_CALL, "audio/call.flac")
    assert store.key_id(uri) == "a" and list(store.blob_uris()) == [uri]
    assert store.read_bytes(uri) == DEMO_CALL.read_bytes()
    store.delete(uri)


def test_keys_come_from_the_settings_and_the_key_file(tmp_path: Path, key_a: bytes) -> None:
    key_b = fresh_key()
    assert key_ring(Settings(data_dir=tmp_path)).active is None  # no key: blobs are stored in clear
    one = key_ring(Settings(data_dir=tmp_path, storage_keys=key_text("a", key_a)))
    assert one.active == "a" and one.key("a") == key_a
    keyfile = tmp_path / "keys"
    keyfile.write_text(f"# backed up 2026-12-06\n{key_text('b', key_b)}\n", encoding="utf-8")
    both = key_ring(
        Settings(
            data_dir=tmp_path,
            storage_keys=key_text("a", key_a),
            storage_keys_file=keyfile,
            storage_active_key="b",
        )
    )
    assert both.active == "b" and both.keys == {"a": key_a, "b": key_b}
    assert "key" not in repr(both).replace("keys", "")  # the key bytes never show in a repr


@pytest.mark.parametrize(
    ("keys", "active", "message"),
    [
        ("a:notbase64!", None, "key 'a' is not base64"),
        ("a:" + "QUJD", None, "key 'a' is 3 bytes; keys are 32 random bytes in base64"),
        ("no-separator", None, "expected id:base64key"),
        ("a/b:" + "A" * 43 + "=", None, "expected id:base64key"),
        (None, "a", "'a' is not among the configured keys (none)"),
        ("TWO", None, "several keys are configured (a, b); name the one to write with"),
    ],
)
def test_a_bad_key_setting_is_a_coded_error(
    tmp_path: Path, keys: str | None, active: str | None, message: str
) -> None:
    if keys == "TWO":
        keys = f"{key_text('a', fresh_key())},{key_text('b', fresh_key())}"
    settings = Settings(data_dir=tmp_path, storage_keys=keys, storage_active_key=active)
    with pytest.raises(CallqaError, match=r"\[F101\] storage keys") as caught:
        key_ring(settings)
    assert message in str(caught.value)
