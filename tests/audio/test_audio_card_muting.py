"""A card number read out on a call: redacted in the transcript and muted in the kept audio (energy check)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from audio.synthetic import espeak_available, synthesize_call
from callqa.audio.decode import load_audio
from callqa.audio.recording import RecordingJob, process_recording
from callqa.core.config import AudioConfig
from callqa.core.document import Role
from callqa.privacy.redact import redact_interaction
from callqa.storage.files import FileStore

pytestmark = [
    pytest.mark.issue(4),
    pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed (scripts/setup.sh --dev)"),
]
CARD_LINE = "Sure, it's four one one one | one one one one | one one one one | one one one one."
SCRIPT = (
    (Role.AGENT, "Thank you for calling Acme Bank, my name is David. How can I help you today?"),
    (Role.CUSTOMER, "Hello, I would like to pay my bill with a new card."),
    (Role.AGENT, "Of course. Could you read me the card number, please?"),
    (Role.CUSTOMER, CARD_LINE),
    (Role.AGENT, "Thank you, the payment has gone through. Is there anything else I can help you with?"),
    (Role.CUSTOMER, "No, that's all, thank you. Goodbye."),
)


def level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))


@pytest.fixture(scope="module")
def heard(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object, Path]:
    folder = tmp_path_factory.mktemp("card-call")
    call = synthesize_call(SCRIPT, language="en", seed=3)
    path = folder / "card-call.wav"
    call.write(path, sample_rate=8000, codec="pcm_mulaw")  # as a telephony recorder would
    job = RecordingJob(AudioConfig(model="tiny.en", company=["Acme Bank"]), str(folder / "store"), folder)
    return call, process_recording(path, job, language="en"), folder


def test_the_spoken_card_number_is_muted_on_the_callers_channel_only(heard: tuple) -> None:  # type: ignore[type-arg]
    call, doc, folder = heard
    [line] = [line for line in call.lines if line.text.startswith("Sure, it's")]
    recording = doc.recording
    assert recording is not None
    muted = [m for m in recording.muted if m.kind == "card_number"]
    assert len(muted) == 1, recording.muted
    span = muted[0]
    assert span.channel == line.channel == 1  # the customer's channel; the agent's stays as it was
    # the muted span covers the digits: from the first "four" to the last "one" (the line less "Sure, it's")
    assert line.start_ms < span.start_ms < line.start_ms + 2000
    assert span.end_ms > line.end_ms - 1000
    # ... and nothing else the caller says. Whisper's last word of a line may run into the silence after it
    # (measured: up to +651 ms on an AVX-512 + AMX machine; silence muted is no loss); the caller's next line
    # starts 5+ s later, and is checked below to be as loud as before.
    later = next(x for x in call.lines if x.role is Role.CUSTOMER and x.start_ms > line.end_ms)
    assert span.end_ms <= min(line.end_ms + 1500, later.start_ms)

    kept = load_audio(FileStore(folder / "store").local_path(recording.uri) or "")
    original = call.samples
    start, end = span.start_ms * 16, span.end_ms * 16
    assert level_db(original[1, start:end]) > -35  # there was speech ...
    assert level_db(kept.samples[1, start:end]) < -60  # ... and now there is none
    # the caller's other lines are still there (8 kHz μ-law round trip, so not bit-equal)
    earlier = next(x for x in call.lines if x.role is Role.CUSTOMER)
    for other in (earlier, later):
        said = slice(other.start_ms * 16, other.end_ms * 16)
        assert level_db(original[1, said]) > -35
        assert abs(level_db(kept.samples[1, said]) - level_db(original[1, said])) < 1.5


DIGIT_WORDS = {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}


def longest_digit_run(text: str) -> int:
    """The most digits in a row, written or spelt out ("4111" and "four one one one" are four each)."""
    longest = run = 0
    for token in re.findall(r"\d|[a-z]+", text.lower()):
        run = run + 1 if token.isdigit() or token in DIGIT_WORDS else 0
        longest = max(longest, run)
    return longest


def test_the_transcript_says_where_the_number_was_but_never_the_number(heard: tuple) -> None:  # type: ignore[type-arg]
    call, doc, _ = heard
    [line] = [line for line in call.lines if line.text.startswith("Sure, it's")]
    redacted, _ = redact_interaction(doc)
    text = " ".join(t.text for t in redacted.turns)
    assert "[CARD_NUMBER]" in text
    digits = "".join(ch for ch in text if ch.isdigit())
    assert "4111" not in digits
    # where the number was said, at most a stray digit is left (measured 2026-12, AVX-512: "sure. It's for
    # [CARD_NUMBER]", none; Whisper may write "four" for "for")
    said = [t for t in redacted.turns if t.start_ms < line.end_ms and line.start_ms < t.end_ms]
    assert said and all(longest_digit_run(t.text) <= 1 for t in said), [t.text for t in said]
    # elsewhere, no card number: Whisper's repeat of a few digits into the caller's next line is not one
    # (measured: "one one one no My soil. Thank you. Goodbye", a run of 3; bound 12, under the shortest PAN)
    assert longest_digit_run(text) <= 12, text
