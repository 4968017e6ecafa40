"""Which files to read: expanding folders, skipping sidecars and hidden files, choosing each file's format."""

from __future__ import annotations

import os
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
                yield _classify(path, registry, forced_format)
        elif root.is_file():
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


def _classify(path: Path, registry: FormatRegistry, forced: InputFormat | None) -> InputFile | Failure:
    ref = SourceRef(path)
    try:
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
