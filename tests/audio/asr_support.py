"""Helpers for the decoding and speech-to-text tests: the real two-party call, decoded with callqa itself.

The call lives in ``shared/data/audio`` beside the repository and is never copied into it; tests that need
it skip when it is absent.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pytest

from callqa.audio.decode import Audio, load_audio

AUDIO_DIR = Path(__file__).resolve().parents[3] / "shared/data/audio"
CALL = "Auto_Repairs_40_UTC"
CALL_MS = 245_380  # both files: 1,963,040 samples at 8 kHz
AGENT, CUSTOMER = 0, 1  # the channel each file goes to in the stereo call the tests build


def call_path(party: str) -> Path:
    path = AUDIO_DIR / f"{CALL}_{party}.wav"
    if not path.is_file():
        pytest.skip(f"test audio not found: {path}")
    return path


def stereo_call(sample_rate: int = 16_000) -> Audio:
    """The call as one stereo recording: channel 0 the agent's file, channel 1 the caller's."""
    agent = load_audio(call_path("agent"), sample_rate)
    caller = load_audio(call_path("caller"), sample_rate)
    assert agent.channels == caller.channels == 1
    return Audio(np.vstack([agent.samples, caller.samples]), sample_rate, agent.source_rate, agent.codec)


def level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))


def louder_channel(audio: Audio, start_ms: int, end_ms: int) -> int:
    """The channel with more energy while a word is said: who really spoke it (the channels barely leak).

    Word timings can fall a little into silence; the window widens until one channel has speech in it.
    """
    rate = audio.sample_rate
    start, end = start_ms * rate // 1000, max(end_ms * rate // 1000, start_ms * rate // 1000 + rate // 100)
    for pad in range(0, rate // 2 + 1, rate // 10):
        window = audio.samples[:, max(0, start - pad) : end + pad]
        levels = [level_db(row) for row in window]
        if max(levels) > -45:
            break
    return int(np.argmax(levels))


def heard(phrase: str, text: str, *, min_ratio: float = 0.8) -> bool:
    """Whether ``phrase`` is in ``text`` as Whisper may spell it: some run of as many words matches it with a
    character similarity of at least ``min_ratio`` ("service light" / "service flight": 0.96).

    Whisper's words shift a little with the CPU's kernels and the library versions (seen: "service light"
    heard as "service flight" on an AVX-512 + AMX machine); what the product promises is that the content is
    heard, not one spelling of it.
    """
    want = phrase.lower().split()
    words = [w.strip(".,?!;:'\"") for w in text.lower().split()]
    target = " ".join(want)
    for size in {len(want) - 1, len(want), len(want) + 1} - {0}:
        for i in range(len(words) - size + 1):
            if SequenceMatcher(None, " ".join(words[i : i + size]), target).ratio() >= min_ratio:
                return True
    return False
