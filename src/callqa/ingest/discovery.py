"""Which files to read: expanding folders, skipping sidecars and hidden files, choosing each file's format."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, FormatRegistry, InputFormat, SourceRef
from callqa.ingest.file_metadata import is_sidecar

HEAD_BYTES = 64 * 1024
# Files that sit beside interactions in exports and are not interactions themselves.
IGNORED_SUFFIXES = frozenset({".yaml", ".yml", ".md", ".toml", ".ini", ".cfg", ".log", ".sha256", ".pdf"})


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    format: InputFormat
    size: int


def discover(
    paths: Iterable[Path], registry: FormatRegistry, forced: str | None = None
) -> Iterator[InputFile | Failure]:
    """Every readable input under ``paths`` with its format, or a failure naming the file and the cause."""
    forced_format = registry.get(forced) if forced else None
    for root in paths:
        if root.is_dir():
            for path in _walk(root):
                if path.suffix.lower() in IGNORED_SUFFIXES and forced_format is None:
                    continue
                yield _classify(path, registry, forced_format, within=root)
        elif root.exists():
            yield _classify(root, registry, forced_format)
        else:
            yield Failure.coded(SourceRef(root), ErrorCode.I103, reason="no such file or folder")


def _walk(root: Path) -> Iterator[Path]:
    for folder, subfolders, files in _sorted_walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        siblings = set(files)
        for name in files:
            if name.startswith(".") or is_sidecar(Path(name), siblings):
                continue
            yield folder / name


def _sorted_walk(root: Path) -> Iterator[tuple[Path, list[str], list[str]]]:
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        yield Path(folder), subfolders, sorted(files)


def _refusal(path: Path, within: Path | None) -> str | None:
    """Why a file found in a folder is not read: a link leading out of the folder (``/etc/passwd``), or not
    a regular file (a FIFO would block the read forever; a device or socket is no interaction)."""
    if within is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(within.resolve()):
            return f"a link leading outside {within} (to {target}): not followed"
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        return f"{kind}, not a regular file: skipped"
    return None


def _classify(
    path: Path, registry: FormatRegistry, forced: InputFormat | None, *, within: Path | None = None
) -> InputFile | Failure:
    ref = SourceRef(path)
    try:
        refused = _refusal(path, within)
        if refused is not None:
            return Failure.coded(ref, ErrorCode.I103, reason=refused)
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        return Failure.coded(ref, ErrorCode.I103, reason=exc.strerror or exc)
    if size == 0:
        return Failure.coded(ref, ErrorCode.I100)
    if forced is not None:
        return InputFile(path, forced, size)
    fmt = registry.detect(path, head)
    if fmt is None:
        return Failure.of(ref, CallqaError(ErrorCode.I104, known=", ".join(registry.names())))
    return InputFile(path, fmt, size)
