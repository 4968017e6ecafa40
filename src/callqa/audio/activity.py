"""Per-channel speech activity: when each party speaks, in milliseconds.

Two detectors share one 32 ms frame grid (Silero's window at 16 kHz): frame energy against an adaptive
noise floor (numpy only), and the Silero VAD network that faster-whisper bundles as ONNX (offline).
``combined`` keeps the frames both agree on, which drops the quiet echo of the other party that Silero
alone hears on a stereo call.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from callqa.core.errors import CallqaError, ErrorCode

SAMPLE_RATE = 16_000
FRAME = 512  # samples: Silero's window
FRAME_MS = 1000 * FRAME // SAMPLE_RATE  # 32
Method = Literal["silero", "energy", "combined"]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class Span(NamedTuple):
    """A stretch of time in milliseconds, end exclusive."""

    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Activity:
    """One channel's speech spans (ms) over a recording of ``duration_ms``."""

    spans: tuple[Span, ...]
    duration_ms: int

    @property
    def speech_ms(self) -> int:
        return sum(s.end_ms - s.start_ms for s in self.spans)

    def mask(self, frame_ms: int = 10) -> BoolArray:
        """True for each ``frame_ms`` frame that lies in a speech span."""
        return spans_to_mask(self.spans, self.duration_ms, frame_ms)

    def as_json(self) -> dict[str, Any]:
        return {"duration_ms": self.duration_ms, "spans": [list(s) for s in self.spans]}


def as_channels(samples: NDArray[Any]) -> NDArray[Any]:
    """``samples`` as a 2-D channels × samples array (a 1-D array is one channel)."""
    if samples.ndim == 1:
        return samples[np.newaxis, :]
    if samples.ndim != 2:
        raise CallqaError(ErrorCode.I800, expected="channels × samples", shape=samples.shape)
    return samples


def as_mono(samples: NDArray[Any]) -> NDArray[np.float32]:
    """One channel as float32; anything but a 1-D array is an error."""
    if samples.ndim != 1:
        raise CallqaError(ErrorCode.I800, expected="one channel (1-D)", shape=samples.shape)
    return np.asarray(samples, dtype=np.float32)


def _frames(samples: NDArray[np.float32]) -> NDArray[np.float32]:
    """Samples cut into whole Silero frames, the last one zero-padded."""
    padded = np.pad(samples, (0, -len(samples) % FRAME))
    return padded.reshape(-1, FRAME)


def frame_levels_db(samples: NDArray[Any]) -> FloatArray:
    """RMS level of each 32 ms frame in dBFS (floored at -120)."""
    frames = _frames(as_mono(samples)).astype(np.float64)
    return np.asarray(10 * np.log10(np.mean(frames**2, axis=1) + 1e-12))


def rolling(values: FloatArray, width: int, how: Literal["min", "max", "median"]) -> FloatArray:
    """A centred rolling minimum, maximum or median (edges padded with the edge values)."""
    if width <= 1 or len(values) == 0:
        return values.copy()
    half = width // 2
    windows = sliding_window_view(np.pad(values, (half, width - 1 - half), mode="edge"), width)
    if how == "min":
        return np.asarray(windows.min(axis=1))
    if how == "max":
        return np.asarray(windows.max(axis=1))
    return np.asarray(np.median(windows, axis=1))


def noise_floor_db(levels_db: FloatArray, *, window_s: float = 3.0) -> FloatArray:
    """Adaptive noise floor: minimum statistics over a sliding window of the lightly smoothed level."""
    width = max(1, round(window_s * 1000 / FRAME_MS))
    smooth = rolling(levels_db, 5, "median")
    return rolling(rolling(smooth, width, "min"), width, "max")


def energy_speech(
    samples: NDArray[Any],
    *,
    margin_db: float = 12.0,
    min_level_db: float = -60.0,
    below_peak_db: float = 40.0,
) -> BoolArray:
    """Frames ``margin_db`` above the local noise floor and not far below the channel's loud parts."""
    levels = frame_levels_db(samples)
    if len(levels) == 0:
        return np.zeros(0, dtype=bool)
    peak = float(np.percentile(levels, 98))
    threshold = np.maximum(noise_floor_db(levels) + margin_db, max(min_level_db, peak - below_peak_db))
    return np.asarray(levels > threshold)


def silero_probabilities(samples: NDArray[Any]) -> NDArray[np.float32]:
    """Silero VAD speech probability for each 32 ms frame (16 kHz mono input)."""
    try:
        from faster_whisper.vad import get_vad_model
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CallqaError(ErrorCode.I802, reason=str(exc)) from exc
    frames = _frames(as_mono(samples))
    if len(frames) == 0:
        return np.zeros(0, dtype=np.float32)
    probs = get_vad_model()(np.ascontiguousarray(frames.ravel()))
    return np.asarray(probs, dtype=np.float32).reshape(-1)


def hysteresis(probs: NDArray[Any], threshold: float, release: float) -> BoolArray:
    """Speech starts above ``threshold`` and lasts until the probability falls below ``release``."""
    out = np.zeros(len(probs), dtype=bool)
    on = False
    for i, p in enumerate(probs.tolist()):
        on = p >= threshold or (on and p >= release)
        out[i] = on
    return out


def speech_frames(samples: NDArray[Any], *, method: Method = "combined", threshold: float = 0.5) -> BoolArray:
    """One speech decision per 32 ms frame, before smoothing."""
    if method == "energy":
        return energy_speech(samples)
    voiced = hysteresis(silero_probabilities(samples), threshold, max(threshold - 0.15, 0.01))
    if method == "silero":
        return voiced
    if method == "combined":
        # a frame Silero hears and whose energy stands out; widened by one frame so word onsets survive
        loud = rolling(energy_speech(samples).astype(np.float64), 3, "max") > 0
        return voiced & loud
    raise CallqaError(ErrorCode.I803, method=method, known="silero, energy, combined")


def runs(mask: BoolArray) -> list[tuple[int, int]]:
    """(first, past-last) index of every run of True."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def close_gaps(mask: BoolArray, gap: int) -> BoolArray:
    """Fill runs of False shorter than ``gap`` frames that lie between two runs of True."""
    out = mask.copy()
    found = runs(mask)
    for (_, end), (start, _) in itertools.pairwise(found):
        if start - end < gap:
            out[end:start] = True
    return out


def drop_short(mask: BoolArray, shortest: int) -> BoolArray:
    """Remove runs of True shorter than ``shortest`` frames."""
    out = mask.copy()
    for start, end in runs(mask):
        if end - start < shortest:
            out[start:end] = False
    return out


def mask_to_spans(mask: BoolArray, frame_ms: int, duration_ms: int) -> tuple[Span, ...]:
    """Runs of True frames as millisecond spans, clipped to the recording."""
    return tuple(
        Span(start * frame_ms, min(end * frame_ms, duration_ms))
        for start, end in runs(mask)
        if start * frame_ms < duration_ms
    )


def spans_to_mask(spans: Sequence[tuple[int, int]], duration_ms: int, frame_ms: int) -> BoolArray:
    """True for each frame whose centre lies in one of the spans."""
    count = -(-duration_ms // frame_ms)
    mask = np.zeros(count, dtype=bool)
    for start, end in spans:
        first = max(0, round(start / frame_ms))
        mask[first : max(first, round(end / frame_ms))] = True
    return mask


def detect_activity(
    samples: NDArray[Any],
    *,
    method: Method = "combined",
    threshold: float = 0.5,
    min_speech_ms: int = 100,
    min_silence_ms: int = 200,
) -> Activity:
    """Speech spans of one 16 kHz channel; pauses shorter than ``min_silence_ms`` stay inside a span."""
    mono = as_mono(samples)
    duration_ms = len(mono) * 1000 // SAMPLE_RATE
    mask = speech_frames(mono, method=method, threshold=threshold)
    mask = drop_short(close_gaps(mask, -(-min_silence_ms // FRAME_MS)), -(-min_speech_ms // FRAME_MS))
    return Activity(mask_to_spans(mask, FRAME_MS, duration_ms), duration_ms)


def channel_activity(
    channels: NDArray[Any],
    *,
    method: Method = "combined",
    threshold: float = 0.5,
    min_speech_ms: int = 100,
    min_silence_ms: int = 200,
) -> list[Activity]:
    """:func:`detect_activity` for every channel of a channels × samples array at 16 kHz."""
    return [
        detect_activity(
            channel,
            method=method,
            threshold=threshold,
            min_speech_ms=min_speech_ms,
            min_silence_ms=min_silence_ms,
        )
        for channel in as_channels(channels)
    ]
