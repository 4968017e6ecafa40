"""Speech-to-text accuracy on scripted calls spoken by espeak-ng, where the truth is known word for word.

Three English contact-centre calls (≈ 50–60 s each; one with the agent on the right channel) are transcribed
once for the module with Whisper tiny.en on two threads. The bounds sit about twice above what was measured
(pooled WER 0.049 with tiny.en; ``bench/asr_wer.py`` prints the full table).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import ctranslate2
import numpy as np
import pytest

from audio.synthetic import (
    EN_CALLS,
    SAMPLE_RATE,
    Hold,
    SyntheticCall,
    espeak_available,
    normalise,
    parse_script,
    synthesize_call,
    word_error_rate,
)
from callqa.audio.channels import CallTranscript, transcribe_call
from callqa.audio.decode import load_audio
from callqa.audio.transcribe import Transcriber, TranscribeSettings
from callqa.core.document import Role

pytestmark = [
    pytest.mark.issue(4),
    pytest.mark.skipif(
        not espeak_available(),
        reason="espeak-ng is not on PATH (apt-get install espeak-ng) to speak the calls",
    ),
]

TINY = TranscribeSettings(model="tiny.en", language="en", hotwords=("Acme Bank",), cpu_threads=2)
MAX_WER = 0.10  # pooled over the three calls; measured 0.049
MAX_CALL_WER = 0.20  # any one call; measured 0.02–0.10
Transcribed = list[tuple[SyntheticCall, CallTranscript]]


@pytest.fixture(scope="module")
def calls() -> list[SyntheticCall]:
    return [script.synthesize() for script in EN_CALLS]


@pytest.fixture(scope="module")
def transcribed(calls: list[SyntheticCall], tmp_path_factory: pytest.TempPathFactory) -> Transcribed:
    transcriber = Transcriber(TINY, data_dir=tmp_path_factory.mktemp("data"))
    transcriber.model()
    # Whisper samples at a higher temperature when a greedy pass looks like a hallucination; seeded, so a
    # run gives the same words as the last one
    ctranslate2.set_random_seed(0)
    started = time.perf_counter()
    results = [(call, transcribe_call(call.audio(), transcriber)) for call in calls]
    seconds = sum(call.duration_ms for call in calls) / 1000
    elapsed = time.perf_counter() - started
    print(f"\ntiny.en, 2 threads: {elapsed:.1f} s for {seconds:.0f} s of calls, RTF {elapsed / seconds:.3f}")
    return results


def said(transcript: CallTranscript, role: Role | None = None) -> str:
    return " ".join(t.text for t in transcript.turns if role is None or t.role is role)


def test_word_error_rate_is_low(transcribed: Transcribed) -> None:
    rates = {call.lines[0].text[:30]: word_error_rate([call.text()], [said(t)]) for call, t in transcribed}
    pooled = word_error_rate([call.text() for call, _ in transcribed], [said(t) for _, t in transcribed])
    print(f"\nWER per call {rates}; pooled {pooled:.3f}")
    assert pooled < MAX_WER
    assert max(rates.values()) < MAX_CALL_WER


def test_each_role_says_its_own_lines(transcribed: Transcribed) -> None:
    for call, transcript in transcribed:
        for role in (Role.AGENT, Role.CUSTOMER):
            assert word_error_rate([call.text(role)], [said(transcript, role)]) < MAX_CALL_WER


def test_the_agent_channel_is_found_from_what_is_said(transcribed: Transcribed) -> None:
    for call, transcript in transcribed:
        assert transcript.roles.method == "content"
        assert transcript.roles.roles == call.channel_roles
        assert transcript.roles.confidence > 0.95
    assert transcribed[-1][0].channel_roles == {1: Role.AGENT, 0: Role.CUSTOMER}  # one call is swapped


def test_at_least_99_percent_of_words_are_under_the_role_that_said_them(transcribed: Transcribed) -> None:
    # a word said while only the other party spoke is misplaced; one heard in silence (tiny.en adds "thank
    # you very much" at the end of a call) is an insertion, which the word error rate counts
    counts: Counter[str] = Counter()
    scripted: Counter[str] = Counter()
    wrong, inserted = [], []
    for call, transcript in transcribed:
        for role in (Role.AGENT, Role.CUSTOMER):
            scripted[role.value] += len(call.text(role).split())
        for turn in transcript.turns:
            other = Role.CUSTOMER if turn.role is Role.AGENT else Role.AGENT
            for word in turn.words:
                counts[turn.role.value] += 1
                if call.said_by(turn.role, word.start_ms, word.end_ms):
                    continue
                where = (turn.role.value, word.start_ms, word.text)
                (wrong if call.said_by(other, word.start_ms, word.end_ms) else inserted).append(where)
    total = sum(counts.values())
    print(
        f"\nwords per role {dict(counts)} of {dict(scripted)} scripted; under the wrong role {wrong}; "
        f"in silence {inserted}"
    )
    # most of each role's words are heard (measured 2026-12, AVX-512: agent 317 of 316, customer 123 of 125;
    # the bound was "agent > 300", 5 % under what was measured)
    for role in ("agent", "customer"):
        assert counts[role] >= 0.85 * scripted[role], (role, counts[role], scripted[role])
    assert len(wrong) <= 0.01 * total
    assert len(inserted) <= 0.02 * total


def test_every_line_is_heard_where_it_was_said(transcribed: Transcribed) -> None:
    # a line's first word starts near the line: what "within the first 30 s" criteria rely on
    offsets = []
    for call, transcript in transcribed:
        words = [(w, t.role) for t in transcript.turns for w in t.words]
        for line in call.lines:
            inside = [
                w
                for w, role in words
                if role is line.role and line.start_ms - 500 <= w.start_ms < line.end_ms
            ]
            assert inside, f"nothing heard of {line.text!r}"
            offsets.append(min(w.start_ms for w in inside) - line.start_ms)
    print(
        f"\nfirst-word offsets (ms): median {np.median(offsets):.0f}, max |offset| {max(map(abs, offsets))}"
    )
    # measured 2026-12, AVX-512: median 152 ms, max 812 ms (a line whose first word, "Yes,", was not heard:
    # the next word starts 0.8 s in); bounds 300 ms and 1.5 s
    assert abs(float(np.median(offsets))) < 300
    assert max(map(abs, offsets)) < 1500


# ---- the generator itself ----------------------------------------------------------------------------------


def level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))


def span(call: SyntheticCall, channel: int, start_ms: int, end_ms: int) -> np.ndarray:
    return call.samples[channel, start_ms * SAMPLE_RATE // 1000 : end_ms * SAMPLE_RATE // 1000]


def test_each_line_is_on_its_own_channel_and_the_other_is_silent(calls: list[SyntheticCall]) -> None:
    for call in calls:
        assert call.samples.shape[0] == 2 and call.samples.dtype == np.float32
        assert 30_000 <= call.duration_ms <= 65_000
        for line in call.lines:
            assert level_db(span(call, line.channel, line.start_ms, line.end_ms)) > -30
            assert not span(call, 1 - line.channel, line.start_ms, line.end_ms).any()
        for before, after in zip(call.lines, call.lines[1:], strict=False):
            assert after.start_ms - before.end_ms >= 300  # gaps of 0.3–1 s, longer across a hold


def test_a_hold_plays_music_on_the_agent_channel_and_a_bar_pauses_a_line() -> None:
    script = parse_script("agent: One moment please.\nhold: 2\nhold: 1 silence\ncustomer: Okay. | Thanks.")
    assert script[1:3] == (Hold(2.0), Hold(1.0, music=False))
    call = synthesize_call(script, pause=0.8, seed=7)
    (music_start, music_end), (silence_start, silence_end) = call.holds
    assert music_end - music_start == 2000 and silence_end - silence_start == 1000
    assert -40 < level_db(span(call, 0, music_start, music_end)) < -20
    assert not span(call, 0, silence_start, silence_end).any()
    assert not span(call, 1, music_start, silence_end).any()
    assert call.lines[1].start_ms >= silence_end
    customer = call.lines[1]
    assert customer.text == "Okay. Thanks."
    quiet = np.abs(span(call, 1, customer.start_ms, customer.end_ms)) < 1e-4
    longest = max(len(run) for run in "".join("x" if q else " " for q in quiet).split())
    assert longest >= 0.8 * SAMPLE_RATE  # the pause inside the line


def test_the_same_script_and_seed_give_the_same_call(calls: list[SyntheticCall]) -> None:
    again = EN_CALLS[0].synthesize()
    assert np.array_equal(again.samples, calls[0].samples) and again.lines == calls[0].lines


def test_a_call_is_written_as_flac_and_as_telephone_mulaw(calls: list[SyntheticCall], tmp_path: Path) -> None:
    call = calls[1]
    call.write(tmp_path / "call.flac")
    call.write(tmp_path / "call.wav", sample_rate=8000, codec="pcm_mulaw")
    flac, mulaw = load_audio(tmp_path / "call.flac"), load_audio(tmp_path / "call.wav")
    assert (flac.codec, flac.channels, flac.source_rate) == ("flac", 2, 16_000)
    assert np.max(np.abs(flac.samples - call.samples)) < 1e-3  # 16-bit FLAC
    assert (mulaw.codec, mulaw.channels, mulaw.source_rate) == ("pcm_mulaw", 2, 8000)
    assert abs(mulaw.duration_ms - call.duration_ms) <= 1


def test_numbers_compare_digit_by_digit() -> None:
    assert normalise("Forty-five euros, card 4111 1111!") == normalise(
        "€45, card four one one one one one one one"
    )
    assert normalise("the 14th of March 1986") == "the 1 4 of march 1 9 8 6"
    assert normalise("the fourteenth of March, nineteen eighty six") == "the 1 4 of march 1 9 8 6"
    assert normalise("M145GH, post code") == normalise("M one four five G H postcode")
    assert normalise("Just a second.") == "just a second"
