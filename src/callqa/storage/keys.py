"""The keys that encrypt blobs at rest: named 32-byte keys from the settings, one of them active.

Keys come from ``CALLQA_STORAGE_KEYS`` (``id:base64`` pairs separated by commas or new lines) and/or the file
``CALLQA_STORAGE_KEYS_FILE`` names (one pair a line, ``#`` comments); ``CALLQA_STORAGE_ACTIVE_KEY`` names the
key new blobs are written with (needed when there are several). Old keys stay listed until
``callqa storage rotate-key`` has moved every blob to the active one.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from callqa.core.errors import CallqaError, ErrorCode

if TYPE_CHECKING:
    from callqa.core.settings import Settings

KEY_BYTES = 32  # AES-256
KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class KeyRing:
    """Named keys (id → 32 bytes) and the id of the active one (``None``: blobs are written in clear)."""

    keys: Mapping[str, bytes] = field(default_factory=dict, repr=False)  # never in a log or a traceback
    active: str | None = None

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)

    def describe(self) -> str:
        """The configured ids, for messages (never the keys)."""
        return ", ".join(sorted(self.keys)) or "none"


NO_KEYS = KeyRing()


def new_key() -> str:
    """A fresh random key, base64 (what a key setting holds after ``id:``)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_keys(text: str, source: str) -> dict[str, bytes]:
    """``id:base64`` pairs separated by commas or new lines (``#`` starts a comment); ``source`` names the
    setting or file in errors. Raises ``CallqaError`` (F101) for a malformed id or key."""
    keys: dict[str, bytes] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for item in line.split("#", 1)[0].split(","):
            entry = item.strip()
            if not entry:
                continue
            where = f"{source} line {number}" if "\n" in text.strip() else source
            key_id, sep, encoded = (part.strip() for part in entry.partition(":"))
            if not sep or not KEY_ID.fullmatch(key_id):
                raise CallqaError(
                    ErrorCode.F101,
                    source=where,
                    reason="expected id:base64key, the id of letters, digits, '.', '_' or '-' (up to 64)",
                )
            key = _decode(encoded, key_id, where)
            if keys.get(key_id, key) != key:
                raise CallqaError(ErrorCode.F101, source=where, reason=f"key '{key_id}' is given twice")
            keys[key_id] = key
    return keys


def _decode(encoded: str, key_id: str, where: str) -> bytes:
    try:
        key = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise CallqaError(ErrorCode.F101, source=where, reason=f"key '{key_id}' is not base64") from None
    if len(key) != KEY_BYTES:
        raise CallqaError(
            ErrorCode.F101,
            source=where,
            reason=f"key '{key_id}' is {len(key)} bytes; keys are {KEY_BYTES} random bytes in base64",
        )
    return key


def key_ring(settings: Settings) -> KeyRing:
    """The keys the settings configure (none: blobs are stored in clear).

    Raises ``CallqaError`` (F101) for a malformed key, an unreadable key file, or an active key that is not
    among the keys.
    """
    keys: dict[str, bytes] = {}
    if settings.storage_keys is not None:
        keys.update(parse_keys(settings.storage_keys.get_secret_value(), "CALLQA_STORAGE_KEYS"))
    if settings.storage_keys_file is not None:
        keys = _merge(keys, _read_key_file(settings.storage_keys_file))
    active = settings.storage_active_key
    if active is None and len(keys) == 1:
        active = next(iter(keys))
    if active is None and keys:
        raise CallqaError(
            ErrorCode.F101,
            source="CALLQA_STORAGE_ACTIVE_KEY",
            reason=f"several keys are configured ({', '.join(sorted(keys))}); name the one to write with",
        )
    if active is not None and active not in keys:
        raise CallqaError(
            ErrorCode.F101,
            source="CALLQA_STORAGE_ACTIVE_KEY",
            reason=f"'{active}' is not among the configured keys ({', '.join(sorted(keys)) or 'none'})",
        )
    return KeyRing(keys, active)


def _read_key_file(path: Path) -> dict[str, bytes]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CallqaError(ErrorCode.F101, source=str(path), reason=f"cannot read: {exc}") from exc
    return parse_keys(text, str(path))


def _merge(first: dict[str, bytes], second: dict[str, bytes]) -> dict[str, bytes]:
    for key_id, key in second.items():
        if first.get(key_id, key) != key:
            raise CallqaError(
                ErrorCode.F101,
                source="CALLQA_STORAGE_KEYS_FILE",
                reason=f"key '{key_id}' differs from the one in CALLQA_STORAGE_KEYS",
            )
    return {**first, **second}
