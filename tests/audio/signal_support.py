"""Helpers shared by the signal tests: the real two-party call (read with ``wave``), synthetic sounds, scores.

The call lives in ``shared/data/audio`` beside the repository and is never copied into it; tests that need
it skip when it is absent.
"""

from __future__ import annotations

import functools
import wave
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

AUDIO_DIR = Path(__file__).resolve().parents[3] / "shared/data/audio"
CALL = "Auto_Repairs_40_UTC"
RATE = 16_000


def call_path(party: str) -> Path:
    path = AUDIO_DIR / f"{CALL}_{party}.wav"
    if not path.is_file():
        pytest.skip(f"test audio not found: {path}")
    return path


def read_wav(path: Path) -> tuple[NDArray[np.int16], int]:
    """16-bit PCM mono samples as they are in the file, and the file's rate."""
    with wave.open(str(path), "rb") as f:
        assert f.getsampwidth() == 2 and f.getnchannels() == 1
        return np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.int16), f.getframerate()


def to_16k(samples: NDArray[np.int16], rate: int) -> NDArray[np.float32]:
    """Float samples at 16 kHz: zero-stuffing and a windowed-sinc low-pass for integer ratios."""
    x = (samples / 32768).astype(np.float32)
    if rate == RATE:
        return x
    assert RATE % rate == 0, "only integer up-sampling is needed for the test files"
    factor = RATE // rate
    taps = np.arange(-16 * factor, 16 * factor + 1)
    kernel = (np.sinc(taps / factor) * np.hamming(len(taps))).astype(np.float32)
    stuffed = np.zeros(len(x) * factor, dtype=np.float32)
    stuffed[::factor] = x
    return np.asarray(np.convolve(stuffed, kernel, mode="same"), dtype=np.float32)


@functools.cache
def _raw_call() -> tuple[NDArray[np.int16], NDArray[np.int16], int]:
    agent, rate = read_wav(call_path("agent"))
    caller, caller_rate = read_wav(call_path("caller"))
    assert rate == caller_rate and len(agent) == len(caller)
    return agent, caller, rate


def raw_call() -> tuple[NDArray[np.int16], int]:
    """The call as in the files: int16, channels (agent, customer) × samples, and the rate (8 kHz)."""
    agent, caller, rate = _raw_call()
    return np.stack([agent, caller]), rate


@functools.cache
def _stereo_call() -> NDArray[np.float32]:
    agent, caller, rate = _raw_call()
    return np.stack([to_16k(agent, rate), to_16k(caller, rate)])


def stereo_call() -> NDArray[np.float32]:
    """The call at 16 kHz: channel 0 the agent, channel 1 the customer (a read-only shared array)."""
    call = _stereo_call()
    call.flags.writeable = False
    return call


def chords(seconds: float, *, level: float = 0.05) -> NDArray[np.float32]:
    """Hold music: a four-chord loop of sine triads plus octave, two seconds a chord, soft attacks."""
    t = np.arange(int(seconds * RATE)) / RATE
    roots = (261.63, 220.0, 174.61, 196.0)
    root = np.asarray(roots)[(t // 2).astype(int) % len(roots)]
    tone = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.26, 1.5, 2.0))
    envelope = np.minimum(1.0, np.minimum(t % 2, 2 - t % 2) / 0.05)
    return np.asarray(level * tone * envelope, dtype=np.float32)


def line_noise(seconds: float, *, db: float = -66.0, seed: int = 0) -> NDArray[np.float32]:
    """Quiet white noise, like an open line with no one speaking."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 10 ** (db / 20), int(seconds * RATE)).astype(np.float32)


def rms_db(samples: NDArray[np.generic], full_scale: float = 1.0) -> float:
    values = samples.astype(np.float64) / full_scale
    return float(10 * np.log10(np.mean(values**2) + 1e-20))


def role_accuracy(labels: NDArray[np.int8], agent: NDArray[np.bool_], customer: NDArray[np.bool_]) -> float:
    """Share of single-speaker frames (per the stereo truth) labelled with the right speaker.

    Under the better of the two label permutations; unlabelled frames count as wrong.
    """
    count = min(len(labels), len(agent), len(customer))
    labels, agent, customer = labels[:count], agent[:count], customer[:count]
    truth = np.full(count, -1)
    truth[agent & ~customer] = 0
    truth[customer & ~agent] = 1
    single = truth >= 0
    swapped = np.where(labels >= 0, 1 - labels, -1)
    return float(max(np.mean(labels[single] == truth[single]), np.mean(swapped[single] == truth[single])))
