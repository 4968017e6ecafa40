"""One call recording in, one interaction document out: transcript, roles, audio metrics, muted copy.

The steps: decode; transcribe (stereo: one party per channel; mono: diarized); find what redaction will
replace in each turn and mute those words in a copy of the audio; measure talk, silence, overtalk and hold
from the signal; store the muted copy and its waveform peaks in the file store. The transcript text is
redacted again, by the same rules, when the document is stored.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from callqa.audio.audio_metrics import AudioMetrics, stereo_metrics
from callqa.audio.channels import AudioTurn, CallTranscript, same_audio, transcribe_call
from callqa.audio.decode import Audio, load_audio, write_audio
from callqa.audio.mono import transcribe_mono
from callqa.audio.peaks import waveform_peaks
from callqa.audio.redact import MuteSpan, mute_spans
from callqa.audio.role_cues import RoleCues
from callqa.audio.transcribe import Transcriber, TranscribeSettings
from callqa.core.config import AudioConfig
from callqa.core.document import (
    Channel,
    Event,
    EventKind,
    Interaction,
    MutedSpan,
    Recording,
    Turn,
)
from callqa.privacy.redact import redact_turns
from callqa.storage.files import FileStore
from callqa.storage.keys import NO_KEYS, KeyRing

STORED_RATE_MAX = 16_000  # the muted copy keeps the recording's rate up to this (telephony is 8 kHz)


@dataclass(frozen=True)
class RecordingJob:
    """Everything a worker process needs to turn one file into a document (picklable)."""

    audio: AudioConfig
    store_root: str
    data_dir: Path
    cpu_threads: int = 0
    store_keys: KeyRing = NO_KEYS  # copies are encrypted with the active one


def file_sha256(path: Path) -> str:
    """Digest of the file's bytes: a re-import of the same recording is recognised by it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_recording(
    path: Path, job: RecordingJob, *, language: str | None = None, sha256: str | None = None
) -> Interaction:
    """The interaction document of one recording (muted copy and peaks already in the store).

    Raises ``CallqaError`` (I7xx) when the file cannot be decoded or transcribed.
    """
    started = time.perf_counter()
    sha256 = sha256 or file_sha256(path)
    audio = load_audio(path)
    transcript = _transcribe(audio, job, language)
    turns = [_turn(t, mono=transcript.mono) for t in transcript.turns]
    muted = muted_spans(transcript.turns, mono=transcript.mono)
    store = FileStore(job.store_root, job.store_keys)
    quiet = Audio(
        mute_spans(
            audio.samples, [MuteSpan(m.start_ms, m.end_ms, m.channel) for m in muted], sample_rate=16_000
        ),
        audio.sample_rate,
        audio.source_rate,
    )
    metrics = None if transcript.mono else _metrics(quiet, transcript)
    key = f"audio/{sha256[:2]}/{sha256}"
    uri = _put_audio(store, quiet, f"{key}.flac")
    peaks = waveform_peaks(
        quiet.samples, sample_rate=quiet.sample_rate, buckets_per_second=job.audio.peaks_per_second
    )
    peaks_uri = store.put_bytes(
        json.dumps(peaks.as_json(), separators=(",", ":")).encode(), f"{key}.peaks.json"
    )
    original_uri = (
        store.put_file(path, f"{key}.original{path.suffix.lower()}") if job.audio.keep_original else None
    )
    seconds = time.perf_counter() - started
    recording = Recording(
        uri=uri,
        duration_ms=audio.duration_ms,
        channels=audio.channels,
        sample_rate=min(audio.source_rate, STORED_RATE_MAX),
        source_sha256=sha256,
        original_uri=original_uri,
        muted=muted,
        peaks_uri=peaks_uri,
        transcription=_provenance(transcript, job, metrics, seconds, audio.duration_ms),
    )
    holds = metrics.holds if metrics else ()
    return Interaction(
        external_id=path.stem,
        source="audio",
        channel=Channel.VOICE,
        duration_ms=audio.duration_ms,
        language=transcript.language or None,
        turns=turns,
        events=[
            Event(kind=EventKind.HOLD, start_ms=h.start_ms, end_ms=h.end_ms, detail=f"{h.source} (audio)")
            for h in holds
        ],
        recording=recording,
    )


def _transcribe(audio: Audio, job: RecordingJob, language: str | None) -> CallTranscript:
    config = job.audio
    transcriber = Transcriber(
        TranscribeSettings(
            model=config.model,
            language=language or config.language,
            hotwords=tuple(config.hotwords) + tuple(config.company),
            initial_prompt=config.initial_prompt,
            beam_size=config.beam_size,
            cpu_threads=job.cpu_threads or config.cpu_threads,
            allow_download=config.allow_download,
        ),
        data_dir=job.data_dir,
    )
    cues = RoleCues(company=tuple(config.company))
    if audio.channels == 1 or (audio.channels == 2 and config.channel_roles is None and same_audio(audio)):
        mono = Audio(audio.mono()[np.newaxis, :], audio.sample_rate, audio.source_rate, audio.codec)
        return transcribe_mono(mono, transcriber, cues=cues)
    return transcribe_call(audio, transcriber, channel_roles=config.channel_roles, cues=cues)


def _turn(turn: AudioTurn, *, mono: bool) -> Turn:
    return Turn(
        role=turn.role,
        text=turn.text,
        start_ms=turn.start_ms,
        end_ms=turn.end_ms,
        channel_index=None if mono else turn.channel,
        speaker=turn.speaker,
    )


def word_offsets(turn: AudioTurn) -> list[tuple[int, int]]:
    """Character span of each word in the turn's text (its words joined as Whisper spaced them)."""
    spans, offset = [], 0
    for i, word in enumerate(turn.words):
        offset += 1 if word.spaced and i else 0
        spans.append((offset, offset + len(word.text)))
        offset += len(word.text)
    return spans


# Parts of one number read with a pause between them are muted as one stretch: the pause may hold a group
# speech recognition never wrote down (heard on the demo call mixed to mono: one "46" of eight was missed).
MUTE_JOIN_MS = 2500


def muted_spans(turns: list[AudioTurn], *, mono: bool) -> list[MutedSpan]:
    """Where the words that redaction replaces were spoken (with the context used when it is stored)."""
    found: list[MutedSpan] = []
    results = redact_turns([(t.role.value, t.text) for t in turns])
    for turn, result in zip(turns, results, strict=True):
        if not result.redactions:
            continue
        offsets = word_offsets(turn)
        for redaction in result.redactions:
            hit = [
                index
                for index, (start, end) in enumerate(offsets)
                if start < redaction.original_end and redaction.original_start < end
            ]
            if hit:
                # One word more on each side: speech recognition's word times are often off by a word's
                # length (the demo call's first "46" was timed 80 ms long, inside the "it's" before it).
                first, last = max(hit[0] - 1, 0), min(hit[-1] + 1, len(turn.words) - 1)
                found.append(
                    MutedSpan(
                        start_ms=turn.words[first].start_ms,
                        end_ms=turn.words[last].end_ms,
                        channel=None if mono else turn.channel,
                        kind=str(redaction.kind),
                    )
                )
    return _joined(found)


def _joined(spans: list[MutedSpan]) -> list[MutedSpan]:
    """Spans on the same channel less than :data:`MUTE_JOIN_MS` apart, as one (named by the first)."""
    joined: list[MutedSpan] = []
    for span in sorted(spans, key=lambda s: (s.channel is not None, s.channel or 0, s.start_ms)):
        last = joined[-1] if joined else None
        if last is not None and last.channel == span.channel and span.start_ms - last.end_ms <= MUTE_JOIN_MS:
            joined[-1] = last.model_copy(update={"end_ms": max(last.end_ms, span.end_ms)})
        else:
            joined.append(span)
    return sorted(joined, key=lambda s: s.start_ms)


def _metrics(audio: Audio, transcript: CallTranscript) -> AudioMetrics | None:
    channels = {role.value: channel for channel, role in transcript.roles.roles.items()}
    if set(channels) != {"agent", "customer"}:
        return None
    words = {
        role: sum(len(t.words) for t in transcript.turns if t.role.value == role)
        for role in ("agent", "customer")
    }
    pair = audio.samples[[channels["agent"], channels["customer"]]]
    return stereo_metrics(pair, roles=("agent", "customer"), words=words)


def _put_audio(store: FileStore, audio: Audio, key: str) -> str:
    with tempfile.TemporaryDirectory(prefix="callqa-audio-") as folder:
        target = Path(folder) / "copy.flac"
        write_audio(target, audio, sample_rate=min(audio.source_rate, STORED_RATE_MAX))
        return store.put_file(target, key)


def _provenance(
    transcript: CallTranscript,
    job: RecordingJob,
    metrics: AudioMetrics | None,
    seconds: float,
    duration_ms: int,
) -> dict[str, Any]:
    decision = transcript.roles
    info: dict[str, Any] = {
        "engine": "faster-whisper",
        "model": job.audio.model,
        "language": transcript.language,
        "layout": "mono" if transcript.mono else "stereo",
        "roles": {str(channel): role.value for channel, role in decision.roles.items()},
        "role_method": decision.method,
        "role_confidence": round(transcript.confidence, 4),
        "role_evidence": {str(k): list(v) for k, v in decision.evidence.items()},
        "seconds": round(seconds, 2),
        "real_time_factor": round(seconds / (duration_ms / 1000), 4) if duration_ms else None,
    }
    if transcript.diarization_confidence is not None:
        info["diarization_confidence"] = transcript.diarization_confidence
    if metrics is not None:
        info["metrics"] = metrics.metrics()
    return info
