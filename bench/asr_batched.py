"""Batched recognition for bench/asr_options.py: the ≤ 30 s speech windows of several calls decoded together.

faster-whisper's ``BatchedInferencePipeline`` decodes a batch of windows in one CTranslate2 call. It is given
the channels of every call laid end to end and the windows as ``clip_timestamps``, so a batch can hold
windows of different calls and no window spans two channels; each segment is then handed back to the channel
it came from, with its times counted from that channel's start. Unlike :meth:`Transcriber.transcribe` it
decodes each window once (no temperature fallback, no previous-text conditioning, no re-read of skipped
speech).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callqa.audio.decode import Audio
from callqa.audio.transcribe import (
    SAMPLE_RATE,
    Segment,
    Transcriber,
    TranscribeSettings,
    VadSettings,
    segment_of,
    speech_parts,
)

WINDOW_S = 30  # Whisper's input window


@dataclass(frozen=True)
class CallAudio:
    """One recording to transcribe: a key to find its result by, its 16 kHz audio and the channels to read."""

    key: str
    audio: Audio
    channels: tuple[int, ...] | None = None  # None: every channel

    @property
    def read(self) -> tuple[int, ...]:
        return self.channels if self.channels is not None else tuple(range(self.audio.channels))


class BatchedTranscriber:
    """A :class:`Transcriber`'s model and settings, decoding ``batch_size`` windows per CTranslate2 call."""

    def __init__(self, settings: TranscribeSettings, *, data_dir: Path, batch_size: int = 8) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.transcriber = Transcriber(replace(settings, parallel=1), data_dir=data_dir)
        self.batch_size = batch_size

    @property
    def settings(self) -> TranscribeSettings:
        return self.transcriber.settings


def speech_windows(samples: NDArray[np.float32], vad: VadSettings | None) -> list[tuple[int, int]]:
    """(start, end) sample ranges of at most 30 s covering the VAD's speech parts, in time order."""
    limit = WINDOW_S * SAMPLE_RATE
    if vad is None:
        return [(start, min(start + limit, len(samples))) for start in range(0, len(samples), limit)]
    parts = speech_parts(
        samples, replace(vad, max_speech_duration_s=min(vad.max_speech_duration_s, WINDOW_S))
    )
    windows: list[tuple[int, int]] = []
    for part in parts:
        start, end = int(part["start"]), int(part["end"])
        if windows and end - windows[-1][0] <= limit:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, min(end, start + limit)))
    return windows


def transcribe_calls(
    calls: Sequence[CallAudio], transcriber: BatchedTranscriber, *, language: str | None = None
) -> dict[str, dict[int, list[Segment]]]:
    """Every call's channels transcribed in shared batches: ``{key: {channel: segments}}``.

    ``language`` (else the setting) must be known: one batch holds one language. Raises ValueError without it
    on a multilingual model.
    """
    settings = transcriber.settings
    model = transcriber.transcriber.model()
    spoken = language or settings.language or (None if model.model.is_multilingual else "en")
    if spoken is None:
        raise ValueError("batched transcription needs the language of the calls")
    pieces: list[tuple[str, int]] = []
    offsets: list[int] = []
    chunks: list[NDArray[np.float32]] = []
    clips: list[dict[str, float]] = []
    position = 0
    for call in calls:
        for channel in call.read:
            samples = np.ascontiguousarray(call.audio.channel(channel), dtype=np.float32)
            pieces.append((call.key, channel))
            offsets.append(position)
            chunks.append(samples)
            clips += [
                {"start": (position + s) / SAMPLE_RATE, "end": (position + e) / SAMPLE_RATE}
                for s, e in speech_windows(samples, settings.vad)
            ]
            position += len(samples)
    result: dict[str, dict[int, list[Segment]]] = {c.key: {ch: [] for ch in c.read} for c in calls}
    if not clips:
        return result
    for raw in _decode(model, np.concatenate(chunks), clips, spoken, transcriber):
        start = round(raw.start * SAMPLE_RATE)
        index = max(0, bisect.bisect_right(offsets, start) - 1)
        key, channel = pieces[index]
        segment = segment_of(raw, spoken)
        result[key][channel].append(_shifted(segment, round(offsets[index] * 1000 / SAMPLE_RATE)))
    return result


def _decode(
    model: Any,
    audio: NDArray[np.float32],
    clips: list[dict[str, float]],
    language: str,
    transcriber: BatchedTranscriber,
) -> list[Any]:
    from faster_whisper import BatchedInferencePipeline

    settings = transcriber.settings
    pipeline = BatchedInferencePipeline(model)
    options: dict[str, Any] = {
        "language": language,
        "beam_size": settings.beam_size,
        "initial_prompt": settings.initial_prompt,
        "hotwords": ", ".join(settings.hotwords) or None,
        "clip_timestamps": clips,
        "batch_size": transcriber.batch_size,
    }
    for word_timestamps in (True, False):
        try:
            segments, _ = pipeline.transcribe(audio, word_timestamps=word_timestamps, **options)
            return [s for s in segments if s.text.strip()]
        except IndexError:  # the upstream word-alignment bug Transcriber._decode also works around
            if not word_timestamps:
                raise
    raise AssertionError("unreachable")


def _shifted(segment: Segment, offset_ms: int) -> Segment:
    """``segment`` with its times counted from ``offset_ms`` later (its channel's start)."""
    words = tuple(
        replace(w, start_ms=max(0, w.start_ms - offset_ms), end_ms=max(0, w.end_ms - offset_ms))
        for w in segment.words
    )
    start = max(0, segment.start_ms - offset_ms)
    return replace(segment, start_ms=start, end_ms=max(start, segment.end_ms - offset_ms), words=words)
