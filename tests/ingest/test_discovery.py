"""Which files a folder ingest reads: sidecars, hidden files and notes skipped, unknown files reported."""

from __future__ import annotations

import os
from pathlib import Path

from callqa.ingest.base import Failure
from callqa.ingest.discovery import InputFile, discover
from callqa.ingest.formats.registry import default_registry


def test_folder_walk_skips_sidecars_hidden_files_and_notes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Agent: hi\n", "utf-8")
    (tmp_path / "a.json").write_text('{"agent": "x"}', "utf-8")
    (tmp_path / "b.txt").write_text("Agent: hi\n", "utf-8")
    (tmp_path / "b.meta.json").write_text('{"agent": "y"}', "utf-8")
    (tmp_path / ".hidden.txt").write_text("Agent: hi\n", "utf-8")
    (tmp_path / "README.md").write_text("# notes\n", "utf-8")
    (tmp_path / "sub").mkdir()
    record = '{"external_id": "c", "channel": "chat", "turns": []}\n'
    (tmp_path / "sub" / "c.jsonl").write_text(record, "utf-8")
    (tmp_path / "mystery.dat").write_bytes(b"\x00\x01binary")
    found = list(discover([tmp_path], default_registry()))
    files = {f.path.name: f.format.name for f in found if isinstance(f, InputFile)}
    assert files == {"a.txt": "transcript", "b.txt": "transcript", "c.jsonl": "callqa-jsonl"}
    failures = [f for f in found if isinstance(f, Failure)]
    assert [(f.ref.path.name, f.message[:6]) for f in failures] == [("mystery.dat", "[I104]")]


def test_missing_paths_and_empty_files_are_failures(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    found = list(discover([tmp_path / "nope", tmp_path / "empty.csv"], default_registry()))
    assert [f.message[:6] for f in found if isinstance(f, Failure)] == ["[I103]", "[I100]"]


def test_forced_format_applies_to_every_file(tmp_path: Path) -> None:
    (tmp_path / "notes.log").write_text("Agent: hi\n", "utf-8")
    [found] = list(discover([tmp_path / "notes.log"], default_registry(), "transcript"))
    assert isinstance(found, InputFile) and found.format.name == "transcript"


def test_fifos_and_links_out_of_the_folder_are_refused_not_followed(tmp_path: Path) -> None:
    """Issue 18: a FIFO in the input folder hung ingest forever; a link to /etc/passwd was read."""
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (inbox / "a.txt").write_text("Agent: hi\n", "utf-8")
    (outside / "secret.txt").write_text("Agent: not yours\n", "utf-8")
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "leak.txt").symlink_to(outside / "secret.txt")
    (inbox / "alias.txt").symlink_to(inbox / "a.txt")  # a link inside the folder is fine
    found = list(discover([inbox, inbox / "pipe.txt"], default_registry()))
    files = sorted(f.path.name for f in found if isinstance(f, InputFile))
    assert files == ["a.txt", "alias.txt"]
    failures = {(f.ref.path.name, f.message) for f in found if isinstance(f, Failure)}
    assert len(failures) == 2  # the FIFO named once (found in the folder and given directly: same message)
    messages = " ".join(m for _, m in failures)
    assert "a FIFO, not a regular file" in messages and "a link leading outside" in messages
