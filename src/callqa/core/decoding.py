"""Turning the bytes of a text file into str: BOMs, UTF-8, then legacy encodings (GBK, Big5, Baltic ...)."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from callqa.core.errors import CallqaError, ErrorCode

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings contact-centre exports really come in, tried before a full detection.
LEGACY_ENCODINGS: tuple[str, ...] = ("gb18030", "big5", "cp1257", "cp1256", "cp1252")
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13, 27}


def sniff_bom(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, if the data starts with one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_binary(data: bytes) -> int | None:
    """The offset of the first byte that cannot be in a text file, or None if it looks like text."""
    if sniff_bom(data):
        return None
    sample = data[:8192]
    controls = [i for i, b in enumerate(sample) if b in _CONTROL]
    if not controls:
        return None
    if 0 in sample[:4096] or len(controls) > max(2, len(sample) // 100):
        return controls[0]
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; returns (text, encoding). Raises I100 / I101 / I102."""
    if not data.strip():
        raise CallqaError(ErrorCode.I100)
    bom = sniff_bom(data)
    if bom:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            raise CallqaError(ErrorCode.I102, encodings=f"{bom} (from its byte-order mark): {exc}") from exc
        if not text.strip():
            raise CallqaError(ErrorCode.I100)
        return text.lstrip("\ufeff"), bom
    offset = looks_binary(data)
    if offset is not None:
        raise CallqaError(ErrorCode.I101, offset=offset, byte=data[offset])
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for isolation in (list(LEGACY_ENCODINGS), None):
        guess = from_bytes(data, cp_isolation=isolation).best()
        if guess is not None:
            return str(guess), guess.encoding
    raise CallqaError(ErrorCode.I102, encodings="utf-8, " + ", ".join(LEGACY_ENCODINGS) + " and detection")
