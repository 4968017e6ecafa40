"""Per-channel speech activity on the real two-party call and on sounds that are not speech."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from audio.signal_support import RATE, chords, line_noise, stereo_call
from callqa.audio.activity import Activity, channel_activity, detect_activity, spans_to_mask
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(4)


@pytest.fixture(scope="module")
def activity() -> list[Activity]:
    return channel_activity(stereo_call())


def test_each_party_speaks_for_a_plausible_share_of_the_call(activity: list[Activity]) -> None:
    agent, customer = activity
    for channel in activity:
        assert channel.duration_ms == pytest.approx(245_380, abs=10)
        assert 0.25 < channel.speech_ms / channel.duration_ms < 0.45
        assert all(s.start_ms < s.end_ms <= channel.duration_ms for s in channel.spans)
        assert all(a.end_ms < b.start_ms for a, b in itertools.pairwise(channel.spans))
    # the agent answers the call; the customer's first words come after the greeting
    assert agent.spans[0].start_ms < 1_000 < customer.spans[0].start_ms


def test_energy_and_silero_agree_on_most_of_the_call(activity: list[Activity]) -> None:
    call = stereo_call()
    for channel, found in zip(call, activity, strict=True):
        energy = detect_activity(channel, method="energy").mask()
        silero = detect_activity(channel, method="silero").mask()
        combined = found.mask()
        assert np.mean(energy == combined) > 0.9
        assert np.mean(silero == combined) > 0.95
        assert not np.any(combined & ~silero), "combined keeps only frames Silero hears"


def test_music_and_line_noise_are_not_speech() -> None:
    assert detect_activity(chords(20)).spans == ()
    assert detect_activity(line_noise(20)).spans == ()
    assert detect_activity(np.zeros(RATE * 5, dtype=np.float32)).spans == ()
    assert detect_activity(np.zeros(0, dtype=np.float32)) == Activity((), 0)


def test_spans_become_a_frame_mask() -> None:
    mask = spans_to_mask([(0, 30), (100, 150)], 200, 10)
    assert mask.tolist() == [True] * 3 + [False] * 7 + [True] * 5 + [False] * 5


def test_wrong_inputs_raise_coded_errors() -> None:
    with pytest.raises(CallqaError) as error:
        detect_activity(np.zeros((2, 100), dtype=np.float32))
    assert error.value.code is ErrorCode.I800
    with pytest.raises(CallqaError) as error:
        detect_activity(np.zeros(100, dtype=np.float32), method="webrtc")  # type: ignore[arg-type]
    assert error.value.code is ErrorCode.I803
