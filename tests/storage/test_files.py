"""The local file store: relative URIs, atomic writes, clear errors for bad URIs and missing blobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.storage.files import FileStore


def test_put_read_delete_round_trip(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    source = tmp_path / "call.flac"
    source.write_bytes(b"fLaC" + bytes(range(256)))
    uri = store.put_file(source, "audio/ab/call.flac")
    assert uri == "callqa-files:audio/ab/call.flac"
    assert store.read_bytes(uri) == source.read_bytes()
    assert store.local_path(uri) == tmp_path / "files" / "audio/ab/call.flac"
    peaks = store.put_bytes(b'{"peaks": []}', "audio/ab/call.peaks.json")
    assert store.exists(peaks) and store.read_bytes(peaks) == b'{"peaks": []}'
    assert not list((tmp_path / "files" / "audio/ab").glob(".part-*"))  # no temporary files left
    store.delete(uri)
    store.delete(uri)  # deleting twice is fine
    assert not store.exists(uri)


def test_uris_are_relative_so_the_store_can_move(tmp_path: Path) -> None:
    uri = FileStore(tmp_path / "a").put_bytes(b"x", "k/blob.bin")
    (tmp_path / "a").rename(tmp_path / "b")
    assert FileStore(tmp_path / "b").read_bytes(uri) == b"x"


@pytest.mark.parametrize(
    "uri",
    ["/etc/passwd", "callqa-files:../outside", "callqa-files:/abs", "callqa-files:", "callqa-files:a//b"],
)
def test_bad_uris_are_refused_with_the_reason(tmp_path: Path, uri: str) -> None:
    with pytest.raises(CallqaError, match=r"\[F100\]") as caught:
        FileStore(tmp_path).read_bytes(uri)
    assert uri in str(caught.value)


def test_a_missing_blob_is_a_coded_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(CallqaError, match=r"\[F100\] file store callqa-files:audio/none.flac: cannot read"):
        FileStore(tmp_path).read_bytes("callqa-files:audio/none.flac")


def test_the_default_store_is_a_folder_in_the_data_dir(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).resolved_file_store() == str(tmp_path / "files")
    assert Settings(data_dir=tmp_path, file_store="s3://bucket/qa").resolved_file_store() == "s3://bucket/qa"
