"""Helpers for the encryption-at-rest tests: real recordings, keys, and a search for plaintext on disk."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from callqa.demo import demo_data_dir
from callqa.storage.keys import KeyRing

DEMO_CALL = demo_data_dir() / "calls" / "en-audio-01.flac"  # 1.0 MB: one chunk
SHARED_AUDIO = Path(__file__).resolve().parents[3] / "shared/data/audio"
REAL_CALL = SHARED_AUDIO / "Auto_Repairs_40_UTC_agent.wav"  # 3.9 MB, 8 kHz: four chunks (when present)


def recordings() -> list[Path]:
    """The real recordings at hand: the demo call always, the shared two-party call when it is there."""
    return [DEMO_CALL] + ([REAL_CALL] if REAL_CALL.is_file() else [])


def key_text(key_id: str, key: bytes) -> str:
    return f"{key_id}:{base64.b64encode(key).decode()}"


def ring(active: str, **keys: bytes) -> KeyRing:
    return KeyRing(dict(keys), active)


def fresh_key() -> bytes:
    return os.urandom(32)


def shares_a_window(original: bytes, stored: bytes, window: int = 64) -> bool:
    """Whether some ``window``-byte run of ``original`` appears in ``stored``.

    Any common run of ``window`` bytes holds a whole block of ``window // 2`` bytes of ``original`` taken at
    a multiple of ``window // 2``, so looking for those blocks at every offset of ``stored`` finds it.
    """
    half = window // 2
    blocks = {original[i : i + half] for i in range(0, len(original) - half + 1, half)}
    return any(stored[i : i + half] in blocks for i in range(len(stored) - half + 1))
