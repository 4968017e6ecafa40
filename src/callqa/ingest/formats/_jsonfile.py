"""Reading a JSON input file and peeking at its first bytes, with every problem as a coded failure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callqa.core.decoding import decode_text, sniff_bom
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, SourceRef

# Real documents nest a handful of levels; a line of 100,000 brackets is an attack on the parser's stack.
MAX_JSON_DEPTH = 64
_KEEP = b'"[]{}'
_DROP_BYTES = bytes(b for b in range(256) if b not in _KEEP)
_DROP_STR = re.compile(r'[^"\[\]{}]+')
_STRINGS = re.compile(r'"[^"]*"')


def nested_too_deeply(data: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than ``limit``, told before parsing it.

    All at C speed: escaped backslashes and quotes go, then everything but quotes and brackets, then the
    strings; innermost ``[]`` / ``{}`` pairs are then removed a level at a time, so a document needs as
    many rounds as it is deep (the usual 3 to 6 decide it).
    """
    if isinstance(data, bytes):
        if data.count(b"[") + data.count(b"{") <= limit:
            return False
        kept = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _DROP_BYTES)
        skeleton = kept.decode("ascii")
    else:
        if data.count("[") + data.count("{") <= limit:
            return False
        skeleton = _DROP_STR.sub("", data.replace("\\\\", "").replace('\\"', ""))
    shape = _STRINGS.sub("", skeleton)
    for _ in range(limit):
        reduced = shape.replace("[]", "").replace("{}", "")
        if reduced == shape:  # empty, or brackets that do not pair up (the parser says where)
            return False
        shape = reduced
    return "[]" in shape or "{}" in shape


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed JSON document."""

    value: Any


def load_json(path: Path) -> Loaded | Failure:
    """The file's JSON value, or an I100-I103 / I200 failure (I200 names the line of the syntax error)."""
    ref = SourceRef(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Failure.coded(ref, ErrorCode.I103, reason=exc.strerror or exc)
    try:
        text, _ = decode_text(data)
    except CallqaError as exc:
        return Failure.of(ref, exc)
    if nested_too_deeply(text):
        return Failure.coded(ref, ErrorCode.I204, limit=MAX_JSON_DEPTH)
    try:
        return Loaded(json.loads(text))
    except json.JSONDecodeError as exc:
        return Failure.coded(SourceRef(path, line=exc.lineno), ErrorCode.I200, reason=exc.msg)
    except RecursionError:
        return Failure.coded(ref, ErrorCode.I204, limit=MAX_JSON_DEPTH)


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for sniffing; a cut multi-byte character at the end is dropped."""
    encoding = sniff_bom(head) or "utf-8"
    return head.decode(encoding, errors="ignore").lstrip("\ufeff")


def is_json_path(path: Path) -> bool:
    """True for ``*.json`` files (any case)."""
    return path.suffix.lower() == ".json"


def text_of(value: object) -> str | None:
    """A scalar as stripped text (numbers too), or None for empty, missing or structured values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return str(value)
    return None
