"""Which files to read: expanding folders, skipping sidecars and hidden files, choosing each file's format."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from callqa.core.decoding import looks_binary, sniff_bom
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, FormatRegistry, InputFormat, Skipped, SourceRef
from callqa.ingest.file_metadata import is_sidecar
from callqa.ingest.formats.shape import json_shape

HEAD_BYTES = 64 * 1024
# Files that sit beside interactions in exports and are not interactions themselves.
IGNORED_SUFFIXES = frozenset({".yaml", ".yml", ".md", ".toml", ".ini", ".cfg", ".log", ".sha256", ".pdf"})
# Hidden the Unix way: a dot then a name (.DS_Store, ._x, .~lock.x#, .git). "..%2fetc" or ".%2e" is a
# file someone named oddly (perhaps to get it skipped), so it is read like any other.
_HIDDEN = re.compile(r"^\.[\w~#-]")


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    format: InputFormat
    size: int


def discover(
    paths: Iterable[Path], registry: FormatRegistry, forced: str | None = None
) -> Iterator[InputFile | Failure | Skipped]:
    """Every input under ``paths`` with its format, a failure naming the file and the cause, or a skip."""
    forced_format = registry.get(forced) if forced else None
    for root in paths:
        if root.is_dir():
            for found in _walk(root):
                if isinstance(found, Skipped):
                    yield found
                elif found.suffix.lower() in IGNORED_SUFFIXES and forced_format is None:
                    yield Skipped(SourceRef(found), f"'{found.suffix}' files are notes, not interactions")
                else:
                    yield _classify(found, registry, forced_format, within=root)
        elif root.exists():
            yield _classify(root, registry, forced_format)
        else:
            yield Failure.coded(SourceRef(root), ErrorCode.I103, reason="no such file or folder")


def is_hidden(name: str) -> bool:
    """A hidden file or folder name (``.DS_Store``), not merely one that starts with a dot (``..%2f``)."""
    return _HIDDEN.match(name) is not None


def _walk(root: Path) -> Iterator[Path | Skipped]:
    for folder, subfolders, files in _sorted_walk(root):
        for name in list(subfolders):
            path = folder / name
            if is_hidden(name) or path.is_symlink():
                subfolders.remove(name)
                why = "a hidden folder" if is_hidden(name) else "a link to a folder: not followed"
                yield Skipped(SourceRef(path), why)
        siblings = set(files)
        for name in files:
            if is_hidden(name):
                yield Skipped(SourceRef(folder / name), "a hidden file")
            elif not is_sidecar(Path(name), siblings):
                yield folder / name


def _sorted_walk(root: Path) -> Iterator[tuple[Path, list[str], list[str]]]:
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        yield Path(folder), subfolders, sorted(files)


def _refusal(path: Path, within: Path | None) -> str | None:
    """Why a file found in a folder is not read: a link leading out of the folder (``/etc/passwd``), or not
    a regular file (a FIFO would block the read forever; a device or socket is no interaction)."""
    if within is not None and path.is_symlink():
        target = Path(os.path.realpath(path))  # never raises: a link loop is told by stat() below
        if not target.is_relative_to(os.path.realpath(within)):
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
    except (OSError, ValueError) as exc:  # ValueError: a name the system cannot take (an embedded NUL)
        return Failure.coded(ref, ErrorCode.I103, reason=getattr(exc, "strerror", None) or exc)
    if size == 0:
        return Failure.coded(ref, ErrorCode.I100)
    if forced is not None:
        return InputFile(path, forced, size)
    head = as_utf8(head)
    if size <= HEAD_BYTES and not head.strip():
        return Failure.coded(ref, ErrorCode.I100)  # only spaces and line breaks
    fmt = registry.detect(path, head)
    if fmt is not None:
        return InputFile(path, fmt, size)
    shape = json_shape(head, complete=size <= HEAD_BYTES) if looks_binary(head) is None else None
    if shape is not None:
        hints = "; ".join(f"{f.name} ({hint})" for f in registry.formats.values() if (hint := _hint(f)))
        return Failure.of(ref, CallqaError(ErrorCode.I106, shape=shape, known=hints))
    return Failure.of(ref, CallqaError(ErrorCode.I104, known=", ".join(registry.names())))


def as_utf8(head: bytes) -> bytes:
    """The first bytes of a UTF-16 or UTF-32 text (told by its byte-order mark) as UTF-8, so every format
    sniffs them as the text they are (a UTF-16 JSON's ``FF FE`` once passed for an MP3 frame)."""
    encoding = sniff_bom(head)
    if encoding is None or encoding == "utf-8-sig":
        return head
    return head.decode(encoding, errors="ignore").lstrip("\ufeff").encode("utf-8")


def _hint(fmt: InputFormat) -> str | None:
    hint = getattr(fmt, "json_hint", None)
    return hint if isinstance(hint, str) else None
