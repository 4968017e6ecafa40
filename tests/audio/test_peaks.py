"""Waveform peaks of the real call, for the browser."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from audio.signal_support import RATE, raw_call, stereo_call
from callqa.audio.peaks import waveform_peaks
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(4)


def test_peaks_of_the_call_as_in_the_files() -> None:
    call, rate = raw_call()
    peaks = waveform_peaks(call, sample_rate=rate, buckets=1000)
    assert (peaks.channels, peaks.sample_rate, peaks.bits) == (2, 8000, 8)
    assert 995 <= peaks.length <= 1000
    assert peaks.samples_per_bucket * peaks.length >= call.shape[1]
    for channel, lows, highs in zip(call, peaks.mins, peaks.maxs, strict=True):
        assert len(lows) == len(highs) == peaks.length
        assert all(-128 <= lo <= hi <= 127 for lo, hi in zip(lows, highs, strict=True))
        # the loudest bucket is the channel's peak, scaled to 8 bits
        assert max(max(highs), -min(lows)) == pytest.approx(
            np.abs(channel.astype(int)).max() / 32768 * 127, abs=1
        )
        # speech in some buckets, near-silence in others
        assert max(highs) > 60 and min(hi - lo for lo, hi in zip(lows, highs, strict=True)) <= 2
    document = json.loads(json.dumps(peaks.as_json()))
    assert document["length"] == peaks.length and len(document["data"]) == 2 * 2 * peaks.length
    assert document["data"][:4] == [peaks.mins[0][0], peaks.maxs[0][0], peaks.mins[1][0], peaks.maxs[1][0]]


def test_buckets_per_second_at_16_khz_match_the_file_peaks() -> None:
    call = stereo_call()
    peaks = waveform_peaks(call, sample_rate=RATE, buckets_per_second=10, bits=16)
    assert peaks.samples_per_bucket == 1600 and peaks.bucket_ms == 100.0
    assert peaks.length == math.ceil(call.shape[1] / 1600)
    raw, rate = raw_call()
    coarse = waveform_peaks(raw, sample_rate=rate, buckets_per_second=10, bits=16)
    # the same call at another rate draws the same picture (resampling overshoot aside)
    highs, file_highs = np.array(peaks.maxs[0]), np.array(coarse.maxs[0])
    assert np.corrcoef(highs, file_highs)[0, 1] > 0.99


def test_a_single_channel_and_an_empty_recording() -> None:
    peaks = waveform_peaks(np.array([0.0, 0.5, -1.0, 0.25], dtype=np.float32), sample_rate=4, buckets=2)
    assert (peaks.mins, peaks.maxs) == (((0, -127),), ((64, 32),))
    assert waveform_peaks(np.zeros(0, dtype=np.float32), sample_rate=RATE, buckets=10).length == 0


@pytest.mark.parametrize("kwargs", [{}, {"buckets": 10, "buckets_per_second": 1.0}, {"buckets": 0}])
def test_bucket_choice_errors(kwargs: dict[str, float]) -> None:
    with pytest.raises(CallqaError) as error:
        waveform_peaks(np.zeros(10, dtype=np.float32), sample_rate=RATE, **kwargs)  # type: ignore[arg-type]
    assert error.value.code is ErrorCode.I805
