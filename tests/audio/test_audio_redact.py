"""Muting spans of the real call: silence inside, every other sample untouched."""

from __future__ import annotations

import numpy as np
import pytest

from audio.signal_support import RATE, raw_call, rms_db, stereo_call
from callqa.audio.redact import MuteSpan, mute_gain, mute_spans
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(4)

# the agent's opening words (the call starts with the agent's greeting)
SPAN = (1_000, 3_000)


def test_a_muted_span_of_the_agent_is_silent_and_the_rest_unchanged() -> None:
    agent = np.array(stereo_call()[0])
    inside = slice(SPAN[0] * RATE // 1000, SPAN[1] * RATE // 1000)
    assert rms_db(agent[inside]) > -40, "the span holds speech before muting"
    muted = mute_spans(agent, [SPAN], sample_rate=RATE)
    assert muted.dtype == agent.dtype and muted.shape == agent.shape
    padded = slice((SPAN[0] - 50) * RATE // 1000, (SPAN[1] + 50) * RATE // 1000)
    assert rms_db(muted[padded]) < -60
    assert not np.any(muted[padded])
    fade = 10 * RATE // 1000
    outside = np.ones(len(agent), dtype=bool)
    outside[padded.start - fade : padded.stop + fade] = False
    assert np.array_equal(muted[outside], agent[outside])
    # in the fades the signal only gets quieter
    assert np.all(np.abs(muted[~outside]) <= np.abs(agent[~outside]))
    assert np.array_equal(np.array(stereo_call()[0]), agent), "the input is not modified"


def test_a_span_on_one_channel_leaves_the_other_alone() -> None:
    call = np.array(stereo_call())
    muted = mute_spans(call, [MuteSpan(*SPAN, channel=0)], sample_rate=RATE, pad_ms=0, fade_ms=0)
    assert np.array_equal(muted[1], call[1])
    inside = slice(SPAN[0] * RATE // 1000, SPAN[1] * RATE // 1000)
    assert not np.any(muted[0, inside])
    assert np.array_equal(muted[0, inside.stop :], call[0, inside.stop :])


def test_integer_samples_at_the_file_rate_stay_integers() -> None:
    call, rate = raw_call()
    muted = mute_spans(call, [SPAN, (240_000, 250_000)], sample_rate=rate)
    assert muted.dtype == np.int16 and muted.shape == call.shape
    start = (SPAN[0] - 50) * rate // 1000
    assert not np.any(muted[:, start : (SPAN[1] + 50) * rate // 1000])
    assert not np.any(muted[:, (240_000 - 50) * rate // 1000 :]), "a span past the end stops at the end"
    assert np.array_equal(muted[:, : start - 80], call[:, : start - 80])


def test_the_gain_fades_smoothly_and_overlapping_spans_merge() -> None:
    gain = mute_gain(1000, [(10, 20), (15, 30)], sample_rate=1000, pad_ms=2, fade_ms=5)
    assert np.all(gain[:3] == 1.0) and np.all(gain[37:] == 1.0)
    assert not np.any(gain[8:32])
    assert np.all(np.diff(gain[2:9]) < 0) and np.all(np.diff(gain[31:38]) > 0)
    at_start = mute_gain(100, [(0, 1)], sample_rate=1000, pad_ms=2, fade_ms=5)
    assert not np.any(at_start[:3]) and np.all(np.diff(at_start[2:9]) > 0) and at_start[8] == 1.0


@pytest.mark.parametrize("span", [(-5, 10), (20, 10), MuteSpan(0, 10, channel=2)])
def test_bad_spans_are_coded_errors(span: tuple[int, int] | MuteSpan) -> None:
    with pytest.raises(CallqaError) as error:
        mute_spans(np.zeros((2, 100), dtype=np.float32), [span], sample_rate=RATE)
    assert error.value.code is ErrorCode.I801
