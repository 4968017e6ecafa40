"""Talk metrics from the audio of a stereo call, checked against independent computations."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper.vad import VadOptions, get_speech_timestamps

from analysis.analysis_support import make
from audio.signal_support import RATE, chords, line_noise, stereo_call
from callqa.analysis.metrics import compute_metrics, timeline
from callqa.audio.activity import Activity, Span, channel_activity, detect_activity
from callqa.audio.audio_metrics import AudioMetrics, call_metrics, stereo_metrics
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(4)

Spans = list[tuple[int, int]]


def silero_spans(channel: np.ndarray) -> Spans:
    """Speech spans (ms) by faster-whisper's own segmentation, a code path independent of ours."""
    options = VadOptions(min_silence_duration_ms=200, speech_pad_ms=0, min_speech_duration_ms=100)
    return [
        (s["start"] * 1000 // RATE, s["end"] * 1000 // RATE) for s in get_speech_timestamps(channel, options)
    ]


def overlaps(a: Spans, b: Spans, shortest_ms: int) -> list[int]:
    found = (min(e1, e2) - max(s1, s2) for s1, e1 in a for s2, e2 in b)
    return [ms for ms in found if ms >= shortest_ms]


def silences(a: Spans, b: Spans, shortest_ms: int) -> list[int]:
    merged = sorted(a + b)
    gaps, end = [], merged[0][1]
    for start, stop in merged[1:]:
        if start - end >= shortest_ms:
            gaps.append(start - end)
        end = max(end, stop)
    return gaps


@pytest.fixture(scope="module")
def metrics() -> AudioMetrics:
    return stereo_metrics(stereo_call())


def test_talk_shares_and_silences_match_an_independent_count(metrics: AudioMetrics) -> None:
    agent, customer = (silero_spans(channel) for channel in stereo_call())
    agent_ms, customer_ms = (sum(e - s for s, e in spans) for spans in (agent, customer))
    print(f"\naudio metrics of the real call: {metrics.metrics()}")
    assert metrics.agent_talk_share == pytest.approx(agent_ms / (agent_ms + customer_ms), abs=0.02)
    assert metrics.agent_talk_s == pytest.approx(agent_ms / 1000, rel=0.1)
    assert metrics.customer_talk_s == pytest.approx(customer_ms / 1000, rel=0.1)
    assert metrics.agent_talk_share is not None and metrics.customer_talk_share is not None
    assert metrics.agent_talk_share + metrics.customer_talk_share == pytest.approx(1.0, abs=0.002)
    assert 0.35 < metrics.agent_talk_share < 0.65
    gaps = silences(agent, customer, 3000)
    assert metrics.silence_total_s == pytest.approx(sum(gaps) / 1000, abs=1.5)
    assert metrics.silence_max_s == pytest.approx(max(gaps) / 1000, abs=0.5)
    # this call has clean turn-taking: one party at a time
    assert overlaps(agent, customer, 200) == []
    assert (metrics.overtalk_s, metrics.overtalk_count) == (0.0, 0)


def test_energy_alone_gives_a_similar_talk_share(metrics: AudioMetrics) -> None:
    agent, customer = channel_activity(stereo_call(), method="energy")
    assert metrics.agent_talk_share == pytest.approx(
        agent.speech_ms / (agent.speech_ms + customer.speech_ms), abs=0.05
    )


def test_overtalk_when_the_customer_answers_two_seconds_late() -> None:
    call = stereo_call()
    late = int(2.0 * RATE)
    shifted = np.stack([call[0], np.concatenate([np.zeros(late, dtype=np.float32), call[1][:-late]])])
    expected = overlaps(silero_spans(shifted[0]), silero_spans(shifted[1]), 200)
    found = stereo_metrics(shifted)
    assert len(expected) >= 3
    assert found.overtalk_count == pytest.approx(len(expected), abs=2)
    assert found.overtalk_s == pytest.approx(sum(expected) / 1000, abs=1.0)
    assert all(s.end_ms - s.start_ms >= 200 for s in found.overtalks)


def test_the_real_call_has_no_hold(metrics: AudioMetrics) -> None:
    # the longest stretch without speech is about four seconds, and no music plays on the agent side
    assert metrics.holds == ()
    assert metrics.silence_max_s < 10


def test_hold_music_between_speech_is_one_hold() -> None:
    call = stereo_call()
    cut = 40 * RATE
    agent = np.concatenate([call[0, :cut], chords(60), call[0, cut : 2 * cut]])
    customer = np.concatenate([call[1, :cut], line_noise(60), call[1, cut : 2 * cut]])
    found = stereo_metrics(np.stack([agent, customer]))
    assert len(found.holds) == 1
    hold = found.holds[0]
    assert (hold.kind, hold.source) == ("hold", "music")
    assert hold.start_ms == pytest.approx(40_000, abs=1000)
    assert hold.end_ms == pytest.approx(100_000, abs=1000)
    assert found.hold_count == 1 and found.hold_total_s == pytest.approx(60.0, abs=2)
    assert all(not (s.start_ms < hold.end_ms and hold.start_ms < s.end_ms) for s in found.silences)


def test_a_long_silence_on_both_sides_is_a_silent_hold_or_a_silence() -> None:
    call = stereo_call()
    cut = 40 * RATE
    both = [
        np.concatenate([channel[:cut], line_noise(45, seed=i), channel[cut : 2 * cut]])
        for i, channel in enumerate(call)
    ]
    activity = dict(zip(("agent", "customer"), channel_activity(np.stack(both)), strict=True))
    held = call_metrics(activity)
    assert [h.source for h in held.holds] == ["silence"]
    assert held.holds[0].seconds == pytest.approx(45, abs=3)
    quiet = call_metrics(activity, silence_hold_s=None)
    assert quiet.holds == ()
    assert quiet.silence_max_s == pytest.approx(45, abs=3)


def test_words_give_words_per_minute() -> None:
    activity = {
        "agent": Activity((Span(0, 30_000),), 90_000),
        "customer": Activity((Span(40_000, 100_000),), 100_000),
    }
    found = call_metrics(activity, words={"agent": 80, "customer": 150})
    assert (found.agent_wpm, found.customer_wpm) == (160.0, 150.0)
    assert (found.agent_talk_share, found.silence_total_s, found.duration_s) == (0.333, 10.0, 100.0)
    assert found.as_json()["silences"][0]["seconds"] == 10.0


def test_the_scalar_names_are_the_scorecard_metrics() -> None:
    interaction = make([("agent", "Hello, how can I help?", 0, 2), ("customer", "My car broke down.", 3, 5)])
    transcript = compute_metrics(
        interaction, timeline(interaction, hold_gap_s=30, silence_min_s=3, is_hold_request=lambda _: False)
    )
    shared = set(stereo_metrics(np.zeros((2, RATE), dtype=np.float32)).metrics()) & set(transcript)
    assert shared >= {
        "duration_s",
        "agent_talk_share",
        "customer_talk_share",
        "agent_wpm",
        "customer_wpm",
        "overtalk_s",
        "silence_total_s",
        "silence_max_s",
        "hold_count",
        "hold_total_s",
        "hold_max_s",
    }


def test_missing_role_is_a_coded_error() -> None:
    with pytest.raises(CallqaError) as error:
        call_metrics({"agent": detect_activity(np.zeros(RATE, dtype=np.float32))})
    assert error.value.code is ErrorCode.I804
    with pytest.raises(CallqaError) as error:
        stereo_metrics(np.zeros((3, RATE), dtype=np.float32))
    assert error.value.code is ErrorCode.I800
