"""Decoding call recordings in the formats contact centres export, with the channels kept apart."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import numpy as np
import pytest

from audio.asr_support import AGENT, CALL_MS, CUSTOMER, call_path, level_db, stereo_call
from callqa.audio.decode import Audio, load_audio, write_audio
from callqa.core.errors import CallqaError, ErrorCode

pytestmark = pytest.mark.issue(4)

# file name, codec to write with, codec FFmpeg reports when reading back, rate it reports
FORMATS = [
    ("call.flac", None, "flac", 8000),
    ("call-mulaw.wav", "pcm_mulaw", "pcm_mulaw", 8000),
    ("call-alaw.wav", "pcm_alaw", "pcm_alaw", 8000),
    ("call.mp3", None, "mp3float", 8000),
    ("call.ogg", None, "opus", 48000),  # Opus always reports 48 kHz
    ("call.m4a", None, "aac", 8000),
]
LOSSLESS = {"call.flac"}


@pytest.fixture(scope="module")
def original() -> Audio:
    return stereo_call(16_000)


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The stereo call at its own 8 kHz, written once in every format."""
    folder = tmp_path_factory.mktemp("encoded")
    call = stereo_call(8_000)
    files = {}
    for name, codec, _, _ in FORMATS:
        write_audio(folder / name, call, codec=codec)
        files[name] = folder / name
    return files


def test_the_source_wav_decodes_at_16k_with_its_original_rate() -> None:
    audio = load_audio(call_path("agent"))
    assert audio.samples.shape == (1, 2 * 1_963_040)
    assert audio.samples.dtype == np.float32
    assert (audio.sample_rate, audio.source_rate, audio.codec) == (16_000, 8_000, "pcm_s16le")
    assert audio.duration_ms == CALL_MS
    assert float(np.abs(audio.samples).max()) <= 1.0


@pytest.mark.parametrize(("name", "codec", "reported", "rate"), FORMATS, ids=[f[0] for f in FORMATS])
def test_each_format_decodes_with_the_parties_on_their_own_channels(
    encoded: dict[str, Path], original: Audio, name: str, codec: str | None, reported: str, rate: int
) -> None:
    audio = load_audio(encoded[name])
    assert (audio.channels, audio.sample_rate, audio.source_rate, audio.codec) == (2, 16_000, rate, reported)
    # lossy encoders add a few ms of priming or padding
    assert audio.duration_ms == pytest.approx(CALL_MS, abs=150)
    # 10-40 s: only the customer speaks; 44-50 s: only the agent
    for speaker, listener, seconds in ((CUSTOMER, AGENT, (10, 40)), (AGENT, CUSTOMER, (44, 50))):
        window = slice(seconds[0] * 16_000, seconds[1] * 16_000)
        assert level_db(audio.samples[speaker, window]) - level_db(audio.samples[listener, window]) > 25
    if name in LOSSLESS or "law" in name:
        n = min(audio.samples.shape[1], original.samples.shape[1])
        for channel in (AGENT, CUSTOMER):
            correlation = np.corrcoef(audio.samples[channel, :n], original.samples[channel, :n])[0, 1]
            assert correlation > (0.9999 if name in LOSSLESS else 0.99)


def test_writing_at_another_rate_resamples(tmp_path: Path, original: Audio) -> None:
    short = Audio(original.samples[:, : 5 * 16_000].copy(), 16_000, 8_000)
    write_audio(tmp_path / "short.wav", short, sample_rate=8_000)
    back = load_audio(tmp_path / "short.wav", sample_rate=8_000)
    assert (back.source_rate, back.channels, back.samples.shape[1]) == (8_000, 2, 40_000)
    assert not list(tmp_path.glob(".*partial*"))


def test_wav_round_trip_keeps_16_bit_precision(tmp_path: Path) -> None:
    t = np.arange(16_000) / 16_000
    tones = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 1000 * t)]).astype(
        np.float32
    )
    write_audio(tmp_path / "tones.wav", Audio(tones, 16_000, 16_000))
    back = load_audio(tmp_path / "tones.wav")
    assert back.samples.shape == (2, 16_000)
    assert float(np.abs(back.samples - tones).max()) < 2 / 32768


def test_a_text_file_named_wav_says_it_holds_text(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    path.write_text("Agent: hello\nCustomer: hi\n", encoding="utf-8")
    with pytest.raises(CallqaError) as caught:
        load_audio(path)
    assert caught.value.code is ErrorCode.I700
    assert str(caught.value) == "[I700] cannot decode audio: the file holds text, not audio"


def test_random_bytes_are_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "call.mp3"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(CallqaError) as caught:
        load_audio(path)
    assert caught.value.code is ErrorCode.I700
    assert "not a recording FFmpeg can read (Invalid data found" in str(caught.value)


def test_an_empty_file_is_reported_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    path.touch()
    with pytest.raises(CallqaError) as caught:
        load_audio(path)
    assert str(caught.value) == "[I100] file is empty"


def test_a_missing_file_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CallqaError) as caught:
        load_audio(tmp_path / "nowhere.wav")
    assert str(caught.value) == "[I103] cannot read file: No such file or directory"


def test_a_video_without_sound_has_no_audio_stream(tmp_path: Path) -> None:
    path = tmp_path / "screen.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=1)
        assert isinstance(stream, av.VideoStream)
        stream.width = stream.height = 16
        stream.pix_fmt = "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), dtype=np.uint8), format="rgb24")
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    with pytest.raises(CallqaError) as caught:
        load_audio(path)
    assert str(caught.value) == "[I701] no audio stream in this file (streams: video)"


def test_write_errors_are_coded_and_leave_nothing_behind(tmp_path: Path) -> None:
    audio = Audio(np.zeros((1, 1600), dtype=np.float32), 16_000, 16_000)
    with pytest.raises(CallqaError) as caught:
        write_audio(tmp_path / "call.aiff", audio)
    assert caught.value.code is ErrorCode.I702 and "unknown suffix" in str(caught.value)
    with pytest.raises(CallqaError) as caught:
        write_audio(tmp_path / "missing-folder" / "call.wav", audio)
    assert caught.value.code is ErrorCode.I702 and "No such file or directory" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_audio_refuses_samples_that_are_not_channels_by_samples() -> None:
    with pytest.raises(ValueError, match="channels × samples"):
        Audio(np.zeros(1600, dtype=np.float32), 16_000, 16_000)


def test_a_wav_header_without_samples_holds_no_audio(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    with wave.open(str(path), "wb") as header_only:
        header_only.setnchannels(2)
        header_only.setsampwidth(2)
        header_only.setframerate(8000)
    with pytest.raises(CallqaError) as caught:
        load_audio(path)
    assert str(caught.value) == "[I700] cannot decode audio: the audio stream holds no samples"
