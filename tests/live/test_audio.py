"""The live audio adapter: μ-law decoding, speech chunking, and the demo recording streamed in Twilio's
Media Streams shape through Whisper into the live monitor (real audio, real model)."""

from __future__ import annotations

import asyncio
import base64
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from audio.asr_support import heard
from callqa.audio.chunk_asr import whisper_transcribe
from callqa.audio.decode import load_audio
from callqa.demo import demo_data_dir
from callqa.live.audio import (
    RATE,
    ChunkSettings,
    TrackChunker,
    TwilioStream,
    decode_ulaw,
    encode_ulaw,
)
from callqa.live.monitor import LiveMonitor
from callqa.live.outputs import Alert, ChecklistTick
from callqa.live.protocol import parse_message
from callqa.live.rules import load_rules

pytestmark = [pytest.mark.issue(6), pytest.mark.timeout(300)]


def test_ulaw_decoding_matches_the_g711_reference_and_round_trips() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # the standard library's G.711 (gone in Python 3.13; here only as the reference)

        every_byte = bytes(range(256))
        reference = np.frombuffer(audioop.ulaw2lin(every_byte, 2), dtype="<i2") / 32768
    assert np.array_equal(decode_ulaw(every_byte), reference.astype(np.float32))
    signal = np.sin(np.linspace(0, 60, 8000)).astype(np.float32) * 0.5
    error = np.abs(decode_ulaw(encode_ulaw(signal)) - signal)
    assert error.max() < 0.02  # μ-law steps are at most ~1/64 of the level near full scale


def tone(seconds: float, level: float = 0.3) -> np.ndarray[Any, Any]:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def test_speech_is_cut_at_pauses_and_long_talk_at_the_limit() -> None:
    rng = np.random.default_rng(3)
    noise = lambda s: (rng.normal(0, 0.002, int(s * RATE))).astype(np.float32)  # noqa: E731
    audio = np.concatenate([noise(1), tone(2), noise(1.5), tone(0.1), noise(1), tone(4), noise(1)])
    chunker = TrackChunker(ChunkSettings(max_chunk_s=3.0))
    chunks = []
    for start in range(0, audio.size, 160 * 7):  # uneven packet sizes, as a network delivers them
        chunks += chunker.feed(audio[start : start + 160 * 7])
    chunks += chunker.flush()
    spans = [(c.start_ms, c.end_ms) for c in chunks]
    assert len(spans) == 3, spans  # the 100 ms blip is dropped; the 4 s talk is cut at 3 s
    assert abs(spans[0][0] - 1000) <= 240 and abs(spans[0][1] - 3200) <= 100
    assert abs(spans[1][0] - 5600) <= 240 and spans[1][1] - spans[1][0] == pytest.approx(3000, abs=60)
    assert all(c.samples.size == (c.end_ms - c.start_ms) * RATE // 1000 for c in chunks)


def twilio_frames(path: Path, seconds: float) -> list[dict[str, Any]]:
    """The recording as Twilio would send it: start, 20 ms μ-law media frames per track, stop."""
    audio = load_audio(path, sample_rate=RATE)
    tracks = {"outbound": audio.samples[0], "inbound": audio.samples[1]}  # agent left, customer right
    frames: list[dict[str, Any]] = [{"event": "connected", "protocol": "Call", "version": "1.0.0"}]
    start = {
        "callSid": "CA123",
        "tracks": ["inbound", "outbound"],
        "customParameters": {"agent": "a.kim", "team": "Team North", "language": "en"},
    }
    frames.append({"event": "start", "sequenceNumber": "1", "start": start, "streamSid": "MZ1"})
    step = 160
    for k, offset in enumerate(range(0, int(seconds * RATE), step)):
        for track, samples in tracks.items():
            payload = base64.b64encode(encode_ulaw(samples[offset : offset + step])).decode()
            media = {"track": track, "chunk": str(k), "timestamp": str(offset // 8), "payload": payload}
            frames.append(
                {"event": "media", "sequenceNumber": str(len(frames)), "media": media, "streamSid": "MZ1"}
            )
    frames.append(
        {
            "event": "stop",
            "sequenceNumber": str(len(frames)),
            "stop": {"callSid": "CA123"},
            "streamSid": "MZ1",
        }
    )
    return frames


def test_the_demo_recording_streamed_as_twilio_media_is_transcribed_and_monitored(tmp_path: Path) -> None:
    frames = twilio_frames(demo_data_dir() / "calls" / "en-audio-01.flac", seconds=45)
    monitor = LiveMonitor(load_rules(), realtime=False)
    messages: list[dict[str, Any]] = []
    outputs: list[Any] = []

    def emit(message: dict[str, Any]) -> None:
        messages.append(message)
        outputs.extend(monitor.handle(parse_message(message)))

    # Whisper base at telephone quality (8 kHz μ-law), with the brand as a hotword as a centre would set it
    transcribe = whisper_transcribe("base", tmp_path, workers=2, hotwords=("Acme Bank",))
    with ThreadPoolExecutor(2) as pool:
        stream = TwilioStream(transcribe, emit, pool)

        async def run() -> None:
            for frame in frames:
                await stream.handle(frame)

        asyncio.run(run())
    assert messages[0] == {
        "type": "call_start",
        "call_id": "CA123",
        "channel": "voice",
        "agent": "a.kim",
        "team": "Team North",
        "language": "en",
    }
    assert messages[-1]["type"] == "call_end" and messages[-1]["at_ms"] == pytest.approx(45_000, abs=40)
    segments = [m for m in messages if m["type"] == "segment"]
    assert {s["role"] for s in segments} == {"agent", "customer"}
    first = min(segments, key=lambda s: s["start_ms"])
    assert first["role"] == "agent" and first["start_ms"] < 3000  # the agent answers
    agent_words = " ".join(s["text"] for s in segments if s["role"] == "agent").lower()
    # as Whisper may spell it (measured 2026-12, AVX-512: "... thank you for calling Acme Bank, my name is
    # Manor, this call is recorded for quality and trading, how can I help?")
    assert heard("acme bank", agent_words) and heard("this call is recorded", agent_words)
    ticked = {o.item for o in outputs if isinstance(o, ChecklistTick)}
    assert {"greeting", "recording_disclosure"} <= ticked
    assert not [o for o in outputs if isinstance(o, Alert) and o.rule == "disclosure_missing"]
