"""Reading and writing call recordings with PyAV (FFmpeg): WAV (PCM, μ-law, A-law), MP3, M4A, OGG/Opus, FLAC.

Channels stay separate: a stereo call usually holds one party per channel, and a file with several audio
streams (one per party) yields one row per stream channel. Samples are float32 in [-1, 1].
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np
from numpy.typing import NDArray

from callqa.core.decoding import looks_binary
from callqa.core.errors import CallqaError, ErrorCode

SAMPLE_RATE = 16_000
FloatArray = NDArray[np.float32]
_FRAME = 16_384  # samples per frame handed to FFmpeg when writing or resampling
# suffix -> (container format, default codec)
_WRITERS: dict[str, tuple[str, str]] = {
    ".wav": ("wav", "pcm_s16le"),
    ".flac": ("flac", "flac"),
    ".mp3": ("mp3", "libmp3lame"),
    ".ogg": ("ogg", "libopus"),
    ".opus": ("ogg", "libopus"),
    ".m4a": ("ipod", "aac"),
}


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded audio: ``samples`` has shape (channels, samples) at ``sample_rate``."""

    samples: FloatArray
    sample_rate: int
    source_rate: int
    codec: str = ""

    def __post_init__(self) -> None:
        if self.samples.ndim != 2 or self.samples.dtype != np.float32:
            raise ValueError(
                f"samples must be float32 channels × samples, got {self.samples.dtype} {self.samples.shape}"
            )

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_ms(self) -> int:
        return round(1000 * int(self.samples.shape[1]) / self.sample_rate)

    def channel(self, index: int) -> FloatArray:
        """One channel as a 1-D array."""
        row: FloatArray = self.samples[index]
        return row

    def mono(self) -> FloatArray:
        """All channels mixed down to one 1-D array."""
        mixed: FloatArray = self.samples.mean(axis=0, dtype=np.float32)
        return mixed


def load_audio(path: Path | str, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Decode every audio channel of a recording, resampled to ``sample_rate``.

    Raises I100 (empty), I103 (unreadable), I700 (not decodable), I701 (no audio stream).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CallqaError(ErrorCode.I103, reason=exc.strerror or str(exc)) from exc
    if size == 0:
        raise CallqaError(ErrorCode.I100)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError) as exc:
        raise CallqaError(ErrorCode.I700, reason=_open_failure(path, exc)) from exc
    with container:
        streams = list(container.streams.audio)
        if not streams:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "none"
            raise CallqaError(ErrorCode.I701, streams=kinds)
        codec = streams[0].codec_context.name
        source_rate = streams[0].codec_context.sample_rate or streams[0].rate or 0
        rows = _decode_streams(container, streams, sample_rate)
    length = max(r.shape[1] for r in rows)
    if length == 0:
        raise CallqaError(ErrorCode.I700, reason="the audio stream holds no samples")
    # streams of one file can differ by a frame or two; pad the shorter with silence
    samples = np.zeros((sum(r.shape[0] for r in rows), length), dtype=np.float32)
    row = 0
    for block in rows:
        samples[row : row + block.shape[0], : block.shape[1]] = block
        row += block.shape[0]
    return Audio(samples, sample_rate, source_rate, codec)


def _decode_streams(
    container: av.container.InputContainer, streams: list[av.AudioStream], sample_rate: int
) -> list[FloatArray]:
    resamplers = {
        s.index: av.AudioResampler(format="fltp", layout=s.layout, rate=sample_rate) for s in streams
    }
    chunks: dict[int, list[FloatArray]] = {s.index: [] for s in streams}
    try:
        for packet in container.demux(streams):
            for frame in packet.decode():
                assert isinstance(frame, av.AudioFrame)
                chunks[packet.stream.index] += _arrays(resamplers[packet.stream.index].resample(frame))
        for index, resampler in resamplers.items():
            chunks[index] += _arrays(resampler.resample(None))
    except av.error.FFmpegError as exc:
        raise CallqaError(ErrorCode.I700, reason=exc.strerror or str(exc)) from exc
    rows: list[FloatArray] = []
    for stream in streams:
        parts = chunks[stream.index]
        channels = parts[0].shape[0] if parts else stream.channels
        rows.append(np.concatenate(parts, axis=1) if parts else np.zeros((channels, 0), dtype=np.float32))
    return rows


def _arrays(frames: list[av.AudioFrame]) -> list[FloatArray]:
    return [np.asarray(f.to_ndarray(), dtype=np.float32) for f in frames]


def _open_failure(path: Path, exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return exc.strerror or str(exc)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        head = b""
    if head and looks_binary(head) is None:
        return "the file holds text, not audio"
    return f"not a recording FFmpeg can read ({getattr(exc, 'strerror', None) or exc})"


def resample(samples: FloatArray, from_rate: int, to_rate: int) -> FloatArray:
    """Resample a (channels, samples) float32 array with FFmpeg's resampler."""
    if from_rate == to_rate:
        return samples
    layout = _layout(samples.shape[0])
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=to_rate)
    out: list[FloatArray] = []
    for frame in _frames(samples, from_rate, layout):
        out += _arrays(resampler.resample(frame))
    out += _arrays(resampler.resample(None))
    if not out:
        return np.zeros((samples.shape[0], 0), dtype=np.float32)
    return np.concatenate(out, axis=1)


def write_audio(
    path: Path | str, audio: Audio, *, sample_rate: int | None = None, codec: str | None = None
) -> None:
    """Write ``audio`` atomically; the suffix picks the format (.wav 16-bit PCM, .flac, .mp3, .ogg, .m4a).

    ``codec`` overrides the default codec (``pcm_mulaw`` or ``pcm_alaw`` for telephony WAV);
    ``sample_rate`` resamples on the way (e.g. back to the recording's 8 kHz). Raises I702.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _WRITERS:
        raise CallqaError(
            ErrorCode.I702, path=path, reason=f"unknown suffix; use one of {', '.join(_WRITERS)}"
        )
    fmt, default_codec = _WRITERS[suffix]
    rate = sample_rate or audio.sample_rate
    samples = resample(audio.samples, audio.sample_rate, rate)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        _encode(partial, fmt, codec or default_codec, samples, rate)
        os.replace(partial, path)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise CallqaError(ErrorCode.I702, path=path, reason=reason) from exc


def _encode(path: Path, fmt: str, codec: str, samples: FloatArray, rate: int) -> None:
    layout = _layout(samples.shape[0])
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(stream, av.AudioStream)
        for frame in _frames(np.clip(samples, -1.0, 1.0), rate, layout):
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def _frames(samples: FloatArray, rate: int, layout: str) -> Iterator[av.AudioFrame]:
    for start in range(0, samples.shape[1], _FRAME):
        chunk = np.ascontiguousarray(samples[:, start : start + _FRAME])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = rate
        frame.pts = start
        yield frame


def _layout(channels: int) -> str:
    return {1: "mono", 2: "stereo"}.get(channels, f"{channels}c")
