"""Waveform peaks for drawing a call in a browser, in audiowaveform's JSON layout (peaks.js reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from callqa.audio.activity import as_channels
from callqa.core.errors import CallqaError, ErrorCode


@dataclass(frozen=True)
class Peaks:
    """Per channel, the lowest and highest sample of each bucket, as signed ``bits``-bit integers."""

    sample_rate: int
    samples_per_bucket: int
    bits: int
    mins: tuple[tuple[int, ...], ...]
    maxs: tuple[tuple[int, ...], ...]

    @property
    def channels(self) -> int:
        return len(self.mins)

    @property
    def length(self) -> int:
        return len(self.mins[0]) if self.mins else 0

    @property
    def bucket_ms(self) -> float:
        return 1000 * self.samples_per_bucket / self.sample_rate

    def as_json(self) -> dict[str, Any]:
        """audiowaveform's version 2 JSON: ``data`` holds min, max of each channel for each bucket in turn."""
        data = [value for bucket in zip(*self.mins, *self.maxs, strict=True) for value in _interleave(bucket)]
        return {
            "version": 2,
            "channels": self.channels,
            "sample_rate": self.sample_rate,
            "samples_per_pixel": self.samples_per_bucket,
            "bits": self.bits,
            "length": self.length,
            "data": data,
        }


def _interleave(bucket: tuple[int, ...]) -> list[int]:
    half = len(bucket) // 2
    return [v for pair in zip(bucket[:half], bucket[half:], strict=True) for v in pair]


def waveform_peaks(
    samples: NDArray[Any],
    *,
    sample_rate: int,
    buckets: int | None = None,
    buckets_per_second: float | None = None,
    bits: Literal[8, 16] = 8,
) -> Peaks:
    """Min/max peaks of each channel: at most ``buckets`` buckets, or ``buckets_per_second`` of them.

    Float samples are read as full scale ±1, integer samples at their type's full scale.
    """
    if (buckets is None) == (buckets_per_second is None):
        raise CallqaError(ErrorCode.I805, reason="give either buckets or buckets_per_second")
    if (buckets is not None and buckets < 1) or (buckets_per_second is not None and buckets_per_second <= 0):
        raise CallqaError(ErrorCode.I805, reason="the number of buckets must be positive")
    grid = as_channels(samples)
    total = grid.shape[1]
    if buckets is not None:
        size = max(1, -(-total // buckets))
    else:
        size = max(1, round(sample_rate / float(buckets_per_second or 1)))
    if total == 0:
        empty = tuple(() for _ in range(grid.shape[0]))
        return Peaks(sample_rate, size, bits, empty, empty)
    full_scale = float(np.iinfo(grid.dtype).max) + 1 if np.issubdtype(grid.dtype, np.integer) else 1.0
    top = 2 ** (bits - 1) - 1
    starts = np.arange(0, total, size)

    def scaled(values: NDArray[Any]) -> tuple[int, ...]:
        return tuple(np.clip(np.rint(values / full_scale * top), -top - 1, top).astype(int).tolist())

    mins = tuple(scaled(np.minimum.reduceat(channel, starts).astype(np.float64)) for channel in grid)
    maxs = tuple(scaled(np.maximum.reduceat(channel, starts).astype(np.float64)) for channel in grid)
    return Peaks(sample_rate, size, bits, mins, maxs)
