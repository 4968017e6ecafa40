"""Muting spans of a recording (a spoken card number, say): silence with short fades, so no click is left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from callqa.audio.activity import as_channels
from callqa.core.errors import CallqaError, ErrorCode


class MuteSpan(NamedTuple):
    """A span to silence in milliseconds; ``channel`` ``None`` mutes every channel."""

    start_ms: int
    end_ms: int
    channel: int | None = None


def mute_gain(
    length: int,
    spans: Sequence[tuple[int, int]],
    *,
    sample_rate: int,
    pad_ms: float = 50.0,
    fade_ms: float = 10.0,
) -> NDArray[np.float32]:
    """Gain per sample: 0 over each span widened by ``pad_ms``, raised-cosine fades of ``fade_ms`` outside."""
    gain = np.ones(length, dtype=np.float32)
    pad = round(pad_ms * sample_rate / 1000)
    fade = round(fade_ms * sample_rate / 1000)
    ramp = (0.5 + 0.5 * np.cos(np.pi * np.arange(1, fade + 1) / (fade + 1))).astype(np.float32)  # 1 → 0
    for start_ms, end_ms in spans:
        first = max(0, round(start_ms * sample_rate / 1000) - pad)
        last = min(length, round(end_ms * sample_rate / 1000) + pad)
        if first >= last:
            continue
        gain[first:last] = 0.0
        before = ramp[max(0, fade - first) :]
        gain[first - len(before) : first] = np.minimum(gain[first - len(before) : first], before)
        after = ramp[::-1][: max(0, min(fade, length - last))]
        gain[last : last + len(after)] = np.minimum(gain[last : last + len(after)], after)
    return gain


def mute_spans(
    samples: NDArray[Any],
    spans: Sequence[tuple[int, int] | MuteSpan],
    *,
    sample_rate: int,
    pad_ms: float = 50.0,
    fade_ms: float = 10.0,
) -> NDArray[Any]:
    """A copy of ``samples`` (channels × samples, or one channel) with the spans silenced.

    Each span is ``(start_ms, end_ms)`` for every channel or a :class:`MuteSpan` naming one channel. The
    silence covers ``pad_ms`` more on each side (word edges are rarely where the transcript says), and
    fades of ``fade_ms`` lie outside it. Integer samples stay integers of the same type.
    """
    grid = as_channels(samples)
    wanted = [MuteSpan(*span) for span in spans]
    for span in wanted:
        if span.start_ms < 0 or span.end_ms < span.start_ms:
            raise CallqaError(ErrorCode.I801, start_ms=span.start_ms, end_ms=span.end_ms, reason="not a span")
        if span.channel is not None and not 0 <= span.channel < grid.shape[0]:
            reason = f"no channel {span.channel} in a {grid.shape[0]}-channel recording"
            raise CallqaError(ErrorCode.I801, start_ms=span.start_ms, end_ms=span.end_ms, reason=reason)
    out = grid.copy()
    for channel in range(grid.shape[0]):
        mine = [(s.start_ms, s.end_ms) for s in wanted if s.channel is None or s.channel == channel]
        if not mine:
            continue
        gain = mute_gain(grid.shape[1], mine, sample_rate=sample_rate, pad_ms=pad_ms, fade_ms=fade_ms)
        changed = gain < 1.0
        scaled = grid[channel, changed].astype(np.float64) * gain[changed]
        if np.issubdtype(grid.dtype, np.integer):
            scaled = np.rint(scaled)
        out[channel, changed] = scaled.astype(grid.dtype)
    return out if samples.ndim == 2 else out[0]
