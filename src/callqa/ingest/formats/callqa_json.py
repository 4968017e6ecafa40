"""callqa's own document as JSON (one object or an array) and JSON Lines (streamed, any size)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.decoding import decode_text, looks_binary, sniff_bom
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, ParseResult, SourceRef
from callqa.ingest.formats._jsonfile import MAX_JSON_DEPTH, nested_too_deeply
from callqa.ingest.validation import build_interaction

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def _record(data: Any, ref: SourceRef) -> ParseResult:
    if not isinstance(data, dict):
        return Failure.coded(ref, ErrorCode.I203, expected="JSON object (one interaction)")
    return build_interaction(data, ref)


class CallqaJsonFormat:
    name = "callqa-json"
    summary = "callqa interaction JSON: one object or an array of objects"
    json_hint = "an object with turns, or an array of them"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        if path.suffix.lower() != ".json":
            return 0.0
        if b'"turns"' in head:
            return 0.9
        return 0.3 if b'"external_id"' in head else 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        try:
            text, _ = decode_text(path.read_bytes())
        except CallqaError as exc:
            yield Failure.of(SourceRef(path), exc)
            return
        except OSError as exc:
            yield Failure.coded(SourceRef(path), ErrorCode.I103, reason=exc.strerror or exc)
            return
        if nested_too_deeply(text):
            yield Failure.coded(SourceRef(path), ErrorCode.I204, limit=MAX_JSON_DEPTH)
            return
        start = _skip(text, 0)
        if text.startswith("[", start):
            yield from _array(path, text, start + 1)
            return
        try:
            data, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            yield Failure.coded(SourceRef(path, exc.lineno), ErrorCode.I200, reason=exc.msg)
            return
        if _skip(text, end) != len(text):
            yield Failure.coded(
                SourceRef(path, _line(text, end)), ErrorCode.I200, reason="extra data after the document"
            )
            return
        yield _record(data, SourceRef(path, 1))


def _array(path: Path, text: str, pos: int) -> Iterator[ParseResult]:
    """Each element of a top-level array, with the line it starts on."""
    pos = _skip(text, pos)
    if text.startswith("]", pos):
        yield Failure.coded(SourceRef(path), ErrorCode.I301)
        return
    while True:
        line = _line(text, pos)
        try:
            data, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Failure.coded(SourceRef(path, exc.lineno), ErrorCode.I200, reason=exc.msg)
            return
        yield _record(data, SourceRef(path, line))
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
            continue
        if text.startswith("]", pos):
            return
        reason = "unexpected end of file" if pos >= len(text) else "expected ',' or ']'"
        yield Failure.coded(SourceRef(path, _line(text, pos)), ErrorCode.I200, reason=reason)
        return


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class CallqaJsonlFormat:
    name = "callqa-jsonl"
    summary = "callqa interaction JSON Lines: one object per line, streamed"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        if path.suffix.lower() in {".jsonl", ".ndjson"}:
            return 0.95
        first = head.split(b"\n", 1)[0].strip()
        return 0.5 if first.startswith(b"{") and first.endswith(b"}") and b'"turns"' in first else 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield Failure.coded(SourceRef(path), ErrorCode.I103, reason=exc.strerror or exc)
            return
        with handle:
            head = handle.read(8192)
            handle.seek(0)
            bom = sniff_bom(head)
            binary_at = None if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else looks_binary(head)
            if binary_at is not None:  # a line holding a NUL byte is that line's failure, not the file's
                yield Failure.coded(SourceRef(path), ErrorCode.I101, offset=binary_at, byte=head[binary_at])
                return
            lines = _utf8_lines(handle) if bom in (None, "utf-8-sig") else _wide_lines(handle, bom)
            yield from _records(path, lines)


def _utf8_lines(handle: Any) -> Iterator[tuple[int, bytes | str, int | None]]:
    """(line number, raw line, byte offset after it); bytes go to json.loads undecoded (fast path)."""
    offset = 0
    for number, raw in enumerate(handle, start=1):
        offset += len(raw)
        yield number, raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw, offset


def _wide_lines(handle: Any, encoding: str) -> Iterator[tuple[int, bytes | str, int | None]]:
    """UTF-16/32 JSON Lines: rare, so decoded as a text stream (no byte offsets)."""
    for number, line in enumerate(codecs.getreader(encoding)(handle), start=1):
        yield number, line.lstrip("\ufeff"), None


def _records(path: Path, lines: Iterator[tuple[int, bytes | str, int | None]]) -> Iterator[ParseResult]:
    records = 0
    for number, line, offset in lines:
        if not line.strip():
            continue
        records += 1
        ref = SourceRef(path, number, offset)
        nul = line.find(b"\0") if isinstance(line, bytes) else line.find("\0")
        if nul >= 0:
            yield Failure.coded(ref, ErrorCode.I101, offset=nul, byte=0)
            continue
        if nested_too_deeply(line):
            yield Failure.coded(ref, ErrorCode.I204, limit=MAX_JSON_DEPTH)
            continue
        try:
            data = json.loads(line)
        except UnicodeDecodeError as exc:
            yield Failure.coded(ref, ErrorCode.I102, encodings=f"utf-8 ({exc.reason} at byte {exc.start})")
            continue
        except json.JSONDecodeError as exc:
            yield Failure.coded(ref, ErrorCode.I200, reason=f"{exc.msg} (column {exc.colno})")
            continue
        except RecursionError:  # deeper than the interpreter's limit in a way the bound did not see
            yield Failure.coded(ref, ErrorCode.I204, limit=MAX_JSON_DEPTH)
            continue
        yield _record(data, ref)
    if records == 0:
        yield Failure.coded(SourceRef(path), ErrorCode.I100)


CALLQA_JSON = CallqaJsonFormat()
CALLQA_JSONL = CallqaJsonlFormat()
