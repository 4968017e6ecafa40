"""Live audio for centres without their own real-time speech recognition: Twilio Media Streams in, the
generic live messages out.

Twilio sends JSON frames over a WebSocket: ``connected``, ``start`` (call sid, tracks, custom
parameters), ``media`` (base64 μ-law 8 kHz, 20 ms per frame, ``track`` inbound or outbound) and ``stop``.
Each track is one party (inbound: the caller, outbound: the agent; configurable). Per track a chunker
finds speech by energy against an adaptive noise floor; when a speaker pauses (or talks past the
longest segment) the chunk is transcribed by faster-whisper on a worker thread (CTranslate2 releases the
GIL) and becomes a final ``segment`` message, timed on the call's clock.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callqa.audio.chunk_asr import Transcribe
from callqa.core.errors import CallqaError, ErrorCode

log = logging.getLogger(__name__)
RATE = 8_000
FRAME = 160  # 20 ms at 8 kHz
Emit = Callable[[dict[str, Any]], None]


def _ulaw_table() -> NDArray[np.float32]:
    """G.711 μ-law byte → linear sample in [-1, 1]."""
    u = ~np.arange(256, dtype=np.uint8)
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = (u & 0x0F).astype(np.int32)
    magnitude = ((mantissa << 3) + 0x84) << exponent.astype(np.int32)
    linear = np.where(sign != 0, 0x84 - magnitude, magnitude - 0x84)
    return (linear / 32768.0).astype(np.float32)


ULAW = _ulaw_table()


def encode_ulaw(samples: NDArray[np.float32]) -> bytes:
    """Linear samples in [-1, 1] → G.711 μ-law bytes (for tests, replays and the benchmark)."""
    x = np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768), -32768, 32767).astype(np.int32)
    sign = (x < 0).astype(np.int32) << 7
    magnitude = np.minimum(np.abs(x), 32635) + 0x84
    exponent = np.clip(np.floor(np.log2(magnitude)).astype(np.int32) - 7, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return bytes((~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes())


def decode_ulaw(payload: bytes) -> NDArray[np.float32]:
    return ULAW[np.frombuffer(payload, dtype=np.uint8)]


def to_16k(samples: NDArray[np.float32]) -> NDArray[np.float32]:
    """8 kHz → 16 kHz by linear interpolation (what Whisper expects; telephony has nothing above 4 kHz)."""
    if samples.size == 0:
        return samples
    positions = np.arange(samples.size * 2, dtype=np.float32) / 2
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


@dataclass
class ChunkSettings:
    min_silence_ms: int = 700  # a pause this long ends a chunk
    max_chunk_s: float = 15.0  # a monologue is cut here
    min_speech_ms: int = 250  # shorter blips (clicks, breaths) are not transcribed
    preroll_ms: int = 200  # kept before the first loud frame (soft word starts)
    margin_db: float = 12.0  # speech: this far above the noise floor ...
    floor_db: float = -48.0  # ... and above this level


@dataclass
class Chunk:
    start_ms: int
    end_ms: int
    samples: NDArray[np.float32]  # 8 kHz


@dataclass
class TrackChunker:
    """Cuts one party's audio into speech chunks, frame by frame (20 ms)."""

    settings: ChunkSettings = field(default_factory=ChunkSettings)
    _pending: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    _frames: list[NDArray[np.float32]] = field(default_factory=list)
    _start_frame: int | None = None
    _first_speech: int = -1
    _last_speech: int = -1
    _frame_index: int = 0
    _noise_db: float = -60.0
    _preroll: list[NDArray[np.float32]] = field(default_factory=list)

    def feed(self, samples: NDArray[np.float32]) -> list[Chunk]:
        data = np.concatenate([self._pending, samples]) if self._pending.size else samples
        whole = data.size // FRAME * FRAME
        self._pending = data[whole:]
        out: list[Chunk] = []
        for frame in data[:whole].reshape(-1, FRAME):
            chunk = self._frame(frame)
            if chunk is not None:
                out.append(chunk)
        return out

    def flush(self) -> list[Chunk]:
        chunk = self._close(self._frame_index) if self._start_frame is not None else None
        return [chunk] if chunk is not None else []

    def _frame(self, frame: NDArray[np.float32]) -> Chunk | None:
        index = self._frame_index
        self._frame_index += 1
        level = 10 * math.log10(float(np.mean(frame * frame)) + 1e-10)
        loud = level > max(self._noise_db + self.settings.margin_db, self.settings.floor_db)
        if not loud:  # the floor follows quiet frames quickly and loud ones never
            self._noise_db = 0.95 * self._noise_db + 0.05 * level
        preroll_frames = self.settings.preroll_ms // 20
        if self._start_frame is None:
            self._preroll.append(frame)
            del self._preroll[: -preroll_frames or None]
            if loud:
                self._start_frame = index - len(self._preroll) + 1
                self._frames = list(self._preroll)
                self._preroll = []
                self._first_speech = self._last_speech = index
            return None
        self._frames.append(frame)
        if loud:
            self._last_speech = index
        silence_ms = (index - self._last_speech) * 20
        length_s = (index - self._start_frame + 1) * 0.02
        if silence_ms >= self.settings.min_silence_ms or length_s >= self.settings.max_chunk_s:
            return self._close(index + 1)
        return None

    def _close(self, end_frame: int) -> Chunk | None:
        assert self._start_frame is not None
        start, frames = self._start_frame, self._frames
        speech_end = self._last_speech + 1
        self._start_frame, self._frames, self._preroll = None, [], []
        if (speech_end - self._first_speech) * 20 < self.settings.min_speech_ms:
            return None
        keep = frames[: max(1, speech_end - start + 10)]  # the speech and 200 ms after it
        return Chunk(start * 20, (start + len(keep)) * 20, np.concatenate(keep))


@dataclass
class StreamSettings:
    inbound_role: str = "customer"  # Twilio's inbound track is the caller
    language: str | None = None  # None: the start message's customParameters.language, else detected
    chunks: ChunkSettings = field(default_factory=ChunkSettings)


class TwilioStream:
    """One Twilio media stream → live messages passed to ``emit`` (call_start, segments, call_end)."""

    def __init__(
        self, transcribe: Transcribe, emit: Emit, executor: Executor, settings: StreamSettings | None = None
    ) -> None:
        self.transcribe = transcribe
        self.emit = emit
        self.executor = executor
        self.settings = settings or StreamSettings()
        self.call_id: str | None = None
        self.language: str | None = None
        self.parameters: dict[str, Any] = {}
        self.tracks: dict[str, TrackChunker] = {}
        self.pending: set[asyncio.Future[None]] = set()
        self.segments = 0
        self._order = 0

    def role(self, track: str) -> str:
        inbound = self.settings.inbound_role
        return inbound if track == "inbound" else ("agent" if inbound == "customer" else "customer")

    async def handle(self, frame: dict[str, Any]) -> None:
        event = frame.get("event")
        if event == "start":
            start = frame.get("start") or {}
            self.parameters = dict(start.get("customParameters") or {})
            self.call_id = str(
                self.parameters.get("call_id") or start.get("callSid") or frame.get("streamSid")
            )
            self.language = self.settings.language or self.parameters.get("language")
            message = {"type": "call_start", "call_id": self.call_id, "channel": "voice"}
            for key in ("agent", "team", "queue", "language", "direction", "customer"):
                if self.parameters.get(key):
                    message[key] = str(self.parameters[key])
            self.emit(message)
        elif event == "media":
            if self.call_id is None:
                raise CallqaError(
                    ErrorCode.V101, where="media stream", reason="media before the start message"
                )
            media = frame.get("media") or {}
            track = str(media.get("track") or "inbound")
            try:
                payload = base64.b64decode(media.get("payload") or "", validate=True)
            except ValueError as exc:
                raise CallqaError(
                    ErrorCode.V101,
                    where=f"media frame {frame.get('sequenceNumber')}",
                    reason=f"payload is not base64: {exc}",
                ) from None
            chunker = self.tracks.setdefault(track, TrackChunker(self.settings.chunks))
            for chunk in chunker.feed(decode_ulaw(payload)):
                self._transcribe(track, chunk)
        elif event == "stop":
            for track, chunker in self.tracks.items():
                for chunk in chunker.flush():
                    self._transcribe(track, chunk)
            if self.pending:
                await asyncio.gather(*self.pending)
            if self.call_id is not None:
                end_ms = max((c._frame_index * 20 for c in self.tracks.values()), default=0)
                self.emit({"type": "call_end", "call_id": self.call_id, "at_ms": end_ms})

    def _transcribe(self, track: str, chunk: Chunk) -> None:
        loop = asyncio.get_running_loop()
        self._order += 1
        order = self._order
        future = loop.run_in_executor(self.executor, self.transcribe, to_16k(chunk.samples), self.language)

        wrapper: asyncio.Future[None] = loop.create_future()

        def done(f: asyncio.Future[str]) -> None:
            self.pending.discard(wrapper)
            wrapper.set_result(None)
            if not f.cancelled() and f.exception() is not None:
                log.warning("transcribing %s %s ms failed: %s", self.call_id, chunk.start_ms, f.exception())
            text = "" if f.cancelled() or f.exception() is not None else f.result().strip()
            if text:
                self.segments += 1
                self.emit(
                    {
                        "type": "segment",
                        "call_id": self.call_id,
                        "segment_id": f"{track}-{order}",
                        "role": self.role(track),
                        "text": text,
                        "start_ms": chunk.start_ms,
                        "end_ms": chunk.end_ms,
                        "final": True,
                    }
                )

        future.add_done_callback(done)
        self.pending.add(wrapper)
