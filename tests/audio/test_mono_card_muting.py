"""The demo call mixed down to mono: diarization cuts the caller's card number into two turns, and neither
half may be stored or stay audible (issue 18: 12 spoken digits used to survive in a mono mix)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from callqa.audio.decode import Audio, load_audio, write_audio
from callqa.audio.recording import RecordingJob, process_recording
from callqa.core.config import AudioConfig
from callqa.demo import demo_data_dir
from callqa.privacy.redact import redact_interaction
from callqa.storage.files import FileStore

pytestmark = [pytest.mark.issue(18), pytest.mark.slow]
# The caller reads 4646 4646 4646 4644 in four groups with pauses, between 33 s and 41 s of the call.
CARD_READ_MS = (33_000, 41_000)


def job(folder: Path, store: str) -> RecordingJob:
    audio = AudioConfig(model="tiny.en", company=["Acme Bank"], hotwords=["Anna"])
    return RecordingJob(audio, str(folder / store), folder)


@pytest.fixture(scope="module")
def mono_call(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("mono-card")
    stereo = load_audio(demo_data_dir() / "calls" / "en-audio-01.flac")
    mixed = stereo.samples.mean(axis=0, dtype=np.float32)[np.newaxis, :]
    write_audio(folder / "mono.wav", Audio(mixed, stereo.sample_rate, stereo.source_rate), sample_rate=8000)
    return folder, process_recording(folder / "mono.wav", job(folder, "store"), language="en")


def card_digits(text: str) -> list[str]:
    """Runs of the card's digits as written ("46, 46, 46" is one run of six)."""
    return [run for run in re.findall(r"[46](?:[\s,.-]*[46])+", text) if len(re.sub(r"\D", "", run)) >= 4]


def test_no_part_of_the_number_is_stored(mono_call: tuple) -> None:  # type: ignore[type-arg]
    _, doc = mono_call
    assert doc.recording.transcription["layout"] == "mono"
    redacted, records = redact_interaction(doc)
    said = [t for t in redacted.turns if t.start_ms < CARD_READ_MS[1] and CARD_READ_MS[0] < t.end_ms]
    assert said and any("[CARD_NUMBER]" in t.text for t in said)
    text = " ".join(t.text for t in redacted.turns)
    assert card_digits(text) == [], text
    assert {r.kind for r in records} >= {"card_number"}


def test_the_kept_copy_says_no_digit_of_it(mono_call: tuple) -> None:  # type: ignore[type-arg]
    folder, doc = mono_call
    muted = [m for m in doc.recording.muted if m.kind == "card_number"]
    assert muted and all(m.channel is None for m in muted)  # mono: the one channel
    kept = load_audio(FileStore(folder / "store").local_path(doc.recording.uri) or "")
    # Heard again by the same model, the kept copy holds none of the number where it was read out.
    again = process_recording(_as_file(folder, kept), job(folder, "store-again"), language="en")
    near = [t.text for t in again.turns if t.start_ms < CARD_READ_MS[1] and CARD_READ_MS[0] < t.end_ms]
    assert card_digits(" ".join(near)) == [], near
    # ... and the caller's side is silent over the muted stretch (it was speech before).
    original = load_audio(folder / "mono.wav").samples[0]
    for span in muted:
        cut = slice(span.start_ms * 16, span.end_ms * 16)
        assert level_db(original[cut]) > -40
        assert level_db(kept.samples[0, cut]) < -60


def _as_file(folder: Path, audio: Audio) -> Path:
    path = folder / "kept.wav"
    write_audio(path, audio, sample_rate=16000)
    return path


def level_db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))
