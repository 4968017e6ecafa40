"""Mono calls: both parties on one channel, told apart by voice, then by what each voice says.

The channel is diarized into two voices and transcribed once. Every *word* goes to the voice heard during
most of it, or to the nearest voice when none is: a Whisper segment can run across both parties, so
segments are never assigned whole. Turns break where the voice changes or at a pause longer than
``max_pause_ms``; which voice is the agent is decided from each voice's words (and who speaks first), as
for a stereo call's channels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from callqa.audio.channels import (
    MAX_PAUSE_MS,
    AudioTurn,
    CallTranscript,
    make_turn,
    segment_words,
    shared_language,
)
from callqa.audio.decode import SAMPLE_RATE, Audio
from callqa.audio.diarize import FRAME_MS, Diarization, diarize
from callqa.audio.role_cues import RoleCues, RoleDecision, decide_roles
from callqa.audio.transcribe import Transcriber, Word
from callqa.core.document import Role

MONO_CHANNEL = 0
SPEAKERS = (0, 1)


def transcribe_mono(
    audio: Audio,
    transcriber: Transcriber,
    *,
    cues: RoleCues | None = None,
    speaker_roles: Mapping[int, Role] | None = None,
    max_pause_ms: int = MAX_PAUSE_MS,
) -> CallTranscript:
    """Transcribe a call with both parties on one channel; roles from ``speaker_roles`` or the content.

    ``speaker_roles`` maps diarized speaker 0 (whoever speaks first) and speaker 1 to their roles, for
    queues where that is known. A recording with several channels is mixed down first. The result's
    ``roles`` are keyed by speaker number, every turn is on channel 0 with its speaker's label ("spk_0"),
    ``diarization`` says who spoke when, and ``confidence`` combines the role decision's confidence with
    ``diarization_confidence``.
    """
    if audio.sample_rate != SAMPLE_RATE:
        raise ValueError(f"decode the recording at {SAMPLE_RATE} Hz, not {audio.sample_rate}")
    if speaker_roles is not None and set(speaker_roles) != set(SPEAKERS):
        raise ValueError(f"speaker roles must name speakers 0 and 1, got {sorted(speaker_roles)}")
    samples = audio.channel(0) if audio.channels == 1 else audio.mono()
    one = Audio(samples[np.newaxis, :], audio.sample_rate, audio.source_rate, audio.codec)
    diarization = diarize(samples)
    language = transcriber.settings.language or shared_language(one, [MONO_CHANNEL], transcriber)
    segments = transcriber.transcribe(samples, language=language)
    words = segment_words(segments)
    speakers = assign_speakers(words, diarization)
    if speaker_roles is not None:
        decision = RoleDecision(dict(speaker_roles), 1.0, "configured")
    else:
        texts = {
            s: " ".join(w.text for w, who in zip(words, speakers, strict=True) if who == s) for s in SPEAKERS
        }
        decision = decide_roles(texts, first_speaker=speakers[0] if speakers else None, cues=cues)
    turns = speaker_turns(words, speakers, decision.roles, max_pause_ms=max_pause_ms)
    heard = language or next((s.language for s in segments), "")
    return CallTranscript(turns, decision, heard, {MONO_CHANNEL: segments}, audio.duration_ms, diarization)


def assign_speakers(words: Sequence[Word], diarization: Diarization) -> list[int]:
    """The diarized speaker of each word: the one heard over most of it, else the nearest one heard."""
    labels = diarization.labels(FRAME_MS)
    heard = np.flatnonzero(labels >= 0)
    if not len(heard):
        return [SPEAKERS[0]] * len(words)
    # frames of speaker 0 / speaker 1 before each frame, so a word's share of each costs two look-ups
    before = [np.concatenate([[0], np.cumsum(labels == s)]) for s in SPEAKERS]
    speakers: list[int] = []
    for word in words:
        first = min(word.start_ms // FRAME_MS, len(labels) - 1)
        last = min(max(-(-word.end_ms // FRAME_MS), first + 1), len(labels))
        frames = [int(b[last] - b[first]) for b in before]
        if any(frames):
            speakers.append(SPEAKERS[int(np.argmax(frames))])
            continue
        # no one heard during the word: the speaker of the nearest frame heard (either side is as near
        # to the middle as to the edge facing it)
        middle = (first + last) // 2
        after = int(np.searchsorted(heard, middle))
        nearest = min(heard[max(after - 1, 0) : after + 1], key=lambda frame: abs(int(frame) - middle))
        speakers.append(int(labels[nearest]))
    return speakers


def speaker_label(speaker: int) -> str:
    """The label a diarized speaker goes by in turns: "spk_0" for speaker 0."""
    return f"spk_{speaker}"


def speaker_turns(
    words: Sequence[Word],
    speakers: Sequence[int],
    roles: Mapping[int, Role],
    *,
    max_pause_ms: int = MAX_PAUSE_MS,
) -> list[AudioTurn]:
    """Words (in time order) grouped into turns where the speaker changes or a pause is long."""
    turns: list[AudioTurn] = []
    group: list[Word] = []
    current = SPEAKERS[0]
    for word, speaker in zip(words, speakers, strict=True):
        if group and (speaker != current or word.start_ms - group[-1].end_ms > max_pause_ms):
            turns.append(make_turn(roles[current], MONO_CHANNEL, group, speaker_label(current)))
            group = []
        group.append(word)
        current = speaker
    if group:
        turns.append(make_turn(roles[current], MONO_CHANNEL, group, speaker_label(current)))
    return turns
