"""A task's input file by URI: an absolute path, a path relative to the file store, or an fsspec URL copied
with its sidecar into a temporary folder (removed afterwards; the remote original stays)."""

from __future__ import annotations

from pathlib import Path

import fsspec
import pytest

from callqa.workers.files import local_input

pytestmark = pytest.mark.issue(20)


def test_an_absolute_path_is_used_as_it_is(tmp_path: Path) -> None:
    with local_input(str(tmp_path / "call.txt"), "s3://elsewhere") as path:
        assert path == tmp_path / "call.txt"


def test_a_relative_path_is_under_the_file_store(tmp_path: Path) -> None:
    with local_input("inbox/call.txt", str(tmp_path)) as path:
        assert path == tmp_path / "inbox" / "call.txt"
    with local_input("inbox/call.txt", f"file://{tmp_path}") as path:
        assert path == tmp_path / "inbox" / "call.txt"


def test_a_remote_file_is_fetched_with_its_sidecar_and_left_in_place() -> None:
    memory = fsspec.filesystem("memory")
    memory.pipe("/bucket/inbox/call-7.txt", b"Agent: hello\nCustomer: hi\n")
    memory.pipe("/bucket/inbox/call-7.json", b'{"agent": "a.kim"}')

    with local_input("memory://bucket/inbox/call-7.txt", "/unused") as path:
        assert path.read_bytes() == b"Agent: hello\nCustomer: hi\n"
        assert path.with_suffix(".json").read_bytes() == b'{"agent": "a.kim"}'
        folder = path.parent
    assert not folder.exists()
    assert memory.exists("/bucket/inbox/call-7.txt")


def test_a_remote_file_that_is_gone_gives_a_path_that_does_not_exist() -> None:
    with local_input("memory://bucket/inbox/gone.txt", "/unused") as path:
        assert not path.exists()
