"""Stereo calls: transcribe each channel on its own, give each channel a role, merge into timed turns.

Turns are built from word timings, not Whisper's segments: with VAD a segment can span a minute of the
other party talking, while words keep their own times. A channel's words form one turn until a pause
longer than ``max_pause_ms``; the turns of both channels are then ordered by start time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from callqa.audio.decode import SAMPLE_RATE, Audio
from callqa.audio.diarize import Diarization
from callqa.audio.role_cues import RoleCues, RoleDecision, decide_roles
from callqa.audio.transcribe import Segment, Transcriber, Word
from callqa.core.document import Role, Turn
from callqa.core.errors import CallqaError, ErrorCode

MAX_PAUSE_MS = 1500
SAME_AUDIO_CORRELATION = 0.98


@dataclass(frozen=True)
class AudioTurn:
    """What one party said without a long pause, with the channel it came from and its words.

    ``speaker``: the diarized voice on a mono call ("spk_0" speaks first); None when the channel is the party.
    """

    role: Role
    channel: int
    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...]
    speaker: str | None = None


@dataclass(frozen=True)
class CallTranscript:
    """A transcribed call: turns in time order, the party roles and how they were decided.

    On a stereo call ``roles`` is keyed by channel; on a mono call by diarized speaker, and ``diarization``
    holds who spoke when.
    """

    turns: list[AudioTurn]
    roles: RoleDecision
    language: str
    segments: dict[int, list[Segment]]
    duration_ms: int
    diarization: Diarization | None = None

    @property
    def mono(self) -> bool:
        """Whether the parties were told apart by voice (diarization) rather than by channel."""
        return self.diarization is not None

    @property
    def diarization_confidence(self) -> float | None:
        """How surely the voices were told apart (speech-weighted mean segment confidence); None on stereo."""
        if self.diarization is None:
            return None
        spans = [(s.end_ms - s.start_ms, s.confidence) for s in self.diarization.segments]
        speech = sum(ms for ms, _ in spans)
        return sum(ms * sure for ms, sure in spans) / speech if speech else 0.5

    @property
    def confidence(self) -> float:
        """The expected share of speech under the right role, from the role and diarization confidences.

        A word's role is right when the voices and the roles are both right, or both wrong.
        """
        roles = self.roles.confidence
        voices = 1.0 if self.diarization_confidence is None else self.diarization_confidence
        return round(roles * voices + (1 - roles) * (1 - voices), 4)

    def interaction_turns(self) -> list[Turn]:
        """The turns as :class:`callqa.core.document.Turn` rows for an interaction document."""
        return [
            Turn(
                role=t.role,
                text=t.text,
                start_ms=t.start_ms,
                end_ms=t.end_ms,
                speaker=t.speaker,
                channel_index=t.channel,
            )
            for t in self.turns
        ]


def transcribe_call(
    audio: Audio,
    transcriber: Transcriber,
    *,
    channel_roles: Mapping[int, Role] | None = None,
    cues: RoleCues | None = None,
    max_pause_ms: int = MAX_PAUSE_MS,
) -> CallTranscript:
    """Transcribe a recording with one party per channel; roles come from ``channel_roles`` or the content.

    Only configured channels are transcribed when ``channel_roles`` is given. Raises I720, I721, I722.
    """
    if audio.sample_rate != SAMPLE_RATE:
        raise ValueError(f"decode the recording at {SAMPLE_RATE} Hz, not {audio.sample_rate}")
    channels = _channels_to_transcribe(audio, channel_roles)
    transcriber = _per_channel(transcriber, len(channels))
    language = transcriber.settings.language or shared_language(audio, channels, transcriber)
    with ThreadPoolExecutor(max_workers=transcriber.settings.parallel) as pool:
        heard_by = pool.map(lambda c: transcriber.transcribe(audio.channel(c), language=language), channels)
        segments = dict(zip(channels, heard_by, strict=True))
    if channel_roles is not None:
        decision = RoleDecision(dict(channel_roles), 1.0, "configured")
    else:
        texts = {c: " ".join(s.text for s in segs) for c, segs in segments.items()}
        decision = decide_roles(texts, first_speaker=_first_speaker(segments), cues=cues)
    heard = language or next((s.language for segs in segments.values() for s in segs), "")
    turns = merge_turns(segments, decision.roles, max_pause_ms=max_pause_ms)
    return CallTranscript(turns, decision, heard, segments, audio.duration_ms)


def _per_channel(transcriber: Transcriber, channels: int) -> Transcriber:
    """A transcriber running the channels at once, the threads split between them.

    Two single-threaded decodes side by side beat one two-threaded decode after the other (beam search
    and VAD are partly sequential): 10.1 s against 11.3 s for the test call's two channels with tiny.en.
    """
    total = transcriber.settings.cpu_threads or os.cpu_count() or 1
    if channels < 2 or total < 2 or transcriber.settings.parallel != 1:
        return transcriber
    settings = replace(transcriber.settings, cpu_threads=total, parallel=min(channels, total))
    return Transcriber(settings, data_dir=transcriber.data_dir)


def merge_turns(
    segments: Mapping[int, Sequence[Segment]],
    roles: Mapping[int, Role],
    *,
    max_pause_ms: int = MAX_PAUSE_MS,
) -> list[AudioTurn]:
    """Every channel's words grouped into turns at pauses, all channels' turns ordered by start time."""
    turns: list[AudioTurn] = []
    for channel, channel_segments in segments.items():
        group: list[Word] = []
        for word in segment_words(channel_segments):
            if group and word.start_ms - group[-1].end_ms > max_pause_ms:
                turns.append(make_turn(roles[channel], channel, group))
                group = []
            group.append(word)
        if group:
            turns.append(make_turn(roles[channel], channel, group))
    return sorted(turns, key=lambda t: (t.start_ms, t.channel))


def make_turn(role: Role, channel: int, words: Sequence[Word], speaker: str | None = None) -> AudioTurn:
    """One turn of ``words`` (in time order), its text spaced as Whisper spelt it."""
    # Whisper marks where spaces go (none in Chinese, none inside "high-end" or "8 a.m.")
    text = "".join((" " if w.spaced and i else "") + w.text for i, w in enumerate(words))
    end_ms = max(w.end_ms for w in words)
    return AudioTurn(role, channel, words[0].start_ms, end_ms, text, tuple(words), speaker)


def segment_words(segments: Sequence[Segment]) -> list[Word]:
    """The words of ``segments`` by start time; a segment without word timings is one "word"."""
    words: list[Word] = []
    for segment in segments:
        words += segment.words or (Word(segment.start_ms, segment.end_ms, segment.text, 0.0),)
    return sorted(words, key=lambda w: w.start_ms)


def _channels_to_transcribe(audio: Audio, channel_roles: Mapping[int, Role] | None) -> list[int]:
    if channel_roles is not None:
        for channel in channel_roles:
            if not 0 <= channel < audio.channels:
                raise CallqaError(ErrorCode.I720, channel=channel, channels=audio.channels)
        return sorted(channel_roles)
    if audio.channels != 2:
        hint = " (a single channel needs speaker diarization)" if audio.channels == 1 else ""
        raise CallqaError(
            ErrorCode.I721, channels=audio.channels, hint=hint or ", e.g. {0: agent, 1: customer}"
        )
    if same_audio(audio):
        raise CallqaError(ErrorCode.I722)
    return [0, 1]


def same_audio(audio: Audio) -> bool:
    """Whether both channels of a stereo file carry the same signal (a mono call saved as stereo)."""
    left, right = audio.samples[0], audio.samples[1]
    if not left.any() or not right.any():
        return False
    correlation = float(np.corrcoef(left, right)[0, 1])
    return correlation > SAME_AUDIO_CORRELATION


def shared_language(audio: Audio, channels: list[int], transcriber: Transcriber) -> str | None:
    """The language heard most surely on any channel; both parties of a call speak the same one."""
    if not transcriber.multilingual:
        return "en"
    guesses = [transcriber.detect_language(audio.channel(c)) for c in channels]
    known = [g for g in guesses if g is not None]
    return max(known, key=lambda g: g[1])[0] if known else None


def _first_speaker(segments: Mapping[int, Sequence[Segment]]) -> int | None:
    starts = {c: segs[0].start_ms for c, segs in segments.items() if segs}
    return min(starts, key=lambda c: starts[c]) if starts else None
