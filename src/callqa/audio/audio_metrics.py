"""Talk metrics measured on a stereo call's audio: talk share, silences, overtalk, holds, speech rate.

The scalar names are those of :func:`callqa.analysis.metrics.compute_metrics` (``silence_total_s``,
``overtalk_s``, ``hold_total_s``, ``agent_talk_share``, ``agent_wpm`` ...), so the scorecard criteria that
read transcript metrics read these too. Holds and silences are the same :class:`Gap` records the timeline
uses (``after_turn`` is ``None``: audio knows no turns).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callqa.audio.activity import (
    FRAME,
    FRAME_MS,
    SAMPLE_RATE,
    Activity,
    BoolArray,
    Method,
    Span,
    as_channels,
    channel_activity,
    close_gaps,
    drop_short,
    frame_levels_db,
    mask_to_spans,
    runs,
    spans_to_mask,
)
from callqa.core.annotations import ROLES, Gap, Metrics
from callqa.core.errors import CallqaError, ErrorCode

GRID_MS = 10  # resolution of talk, silence and overtalk figures


@dataclass(frozen=True)
class AudioMetrics:
    """What the audio of a two-party call says about its talk; seconds, shares in [0, 1], counts."""

    duration_s: float
    agent_talk_s: float
    customer_talk_s: float
    agent_talk_share: float | None
    customer_talk_share: float | None
    agent_wpm: float | None
    customer_wpm: float | None
    overtalk_s: float
    overtalk_count: int
    silence_total_s: float
    silence_max_s: float
    hold_count: int
    hold_total_s: float
    hold_max_s: float
    holds: tuple[Gap, ...] = ()
    silences: tuple[Gap, ...] = ()
    overtalks: tuple[Span, ...] = ()

    def metrics(self) -> Metrics:
        """The scalar figures under the names the scorecards use."""
        spans = {"holds", "silences", "overtalks"}
        return {k: v for k, v in self.__dict__.items() if k not in spans}

    def as_json(self) -> dict[str, Any]:
        return {
            **self.metrics(),
            "holds": [h.as_json() for h in self.holds],
            "silences": [s.as_json() for s in self.silences],
            "overtalks": [list(s) for s in self.overtalks],
        }


def spectral_flatness(
    samples: NDArray[Any], *, low_hz: float = 300.0, high_hz: float = 3400.0
) -> NDArray[Any]:
    """Wiener entropy of each 32 ms frame in the telephone band: near 0 for tones, near 1 for noise."""
    mono = np.asarray(samples, dtype=np.float32)
    frames = np.pad(mono, (0, -len(mono) % FRAME)).reshape(-1, FRAME)
    power = np.abs(np.fft.rfft(frames * np.hanning(FRAME).astype(np.float32), axis=1)) ** 2 + 1e-12
    freqs = np.fft.rfftfreq(FRAME, 1 / SAMPLE_RATE)
    band = power[:, (freqs >= low_hz) & (freqs <= high_hz)]
    return np.asarray(np.exp(np.mean(np.log(band), axis=1)) / np.mean(band, axis=1))


def music_frames(
    samples: NDArray[Any], speech: BoolArray, *, min_level_db: float = -50.0, max_flatness: float = 0.25
) -> BoolArray:
    """32 ms frames of tonal, non-speech sound (hold music, tones) on one channel."""
    levels = frame_levels_db(samples)
    flat = spectral_flatness(samples)
    count = min(len(levels), len(speech))
    return np.asarray((levels[:count] > min_level_db) & (flat[:count] < max_flatness) & ~speech[:count])


def find_holds(
    agent: Activity,
    customer: Activity,
    *,
    agent_samples: NDArray[Any] | None = None,
    music_min_s: float = 10.0,
    silence_hold_s: float | None = 30.0,
    bridge_s: float = 1.5,
) -> tuple[Gap, ...]:
    """Music on the agent side while the customer is mostly silent, or a long silence on both sides.

    ``source`` says which: ``music`` (needs ``agent_samples``, 16 kHz) or ``silence``.
    ``silence_hold_s=None`` reports no silent holds (they stay silences).
    """
    duration_ms = max(agent.duration_ms, customer.duration_ms)
    agent_speech = spans_to_mask(agent.spans, duration_ms, FRAME_MS)
    customer_speech = spans_to_mask(customer.spans, duration_ms, FRAME_MS)
    bridge = round(bridge_s * 1000 / FRAME_MS)
    found: list[Gap] = []
    held = np.zeros(len(agent_speech), dtype=bool)
    if agent_samples is not None:
        music = np.zeros(len(agent_speech), dtype=bool)
        detected = music_frames(agent_samples, agent_speech)
        music[: len(detected)] = detected[: len(music)]
        for start, end in runs(close_gaps(music, bridge)):
            # the customer may say "hello?" during the music, but a hold is not a conversation
            if end - start >= music_min_s * 1000 / FRAME_MS and customer_speech[start:end].mean() < 0.2:
                held[start:end] = True
                found.append(Gap("hold", start * FRAME_MS, min(end * FRAME_MS, duration_ms), None, "music"))
    if silence_hold_s is not None:
        quiet = ~agent_speech & ~customer_speech & ~held
        first, last = _speech_bounds(agent_speech | customer_speech)
        for start, end in runs(quiet):
            if start >= first and end <= last and end - start >= silence_hold_s * 1000 / FRAME_MS:
                found.append(Gap("hold", start * FRAME_MS, min(end * FRAME_MS, duration_ms), None, "silence"))
    return tuple(sorted(found, key=lambda g: g.start_ms))


def _speech_bounds(speech: BoolArray) -> tuple[int, int]:
    """First speech frame and one past the last (0, 0 without speech)."""
    where = np.flatnonzero(speech)
    return (int(where[0]), int(where[-1]) + 1) if len(where) else (0, 0)


def _gaps(mask: BoolArray, kind: str, source: str, duration_ms: int) -> tuple[Gap, ...]:
    return tuple(
        Gap(kind, s.start_ms, s.end_ms, None, source) for s in mask_to_spans(mask, GRID_MS, duration_ms)
    )


def call_metrics(
    activity: Mapping[str, Activity],
    *,
    agent_samples: NDArray[Any] | None = None,
    words: Mapping[str, int] | None = None,
    silence_min_s: float = 3.0,
    overtalk_min_ms: int = 200,
    music_min_s: float = 10.0,
    silence_hold_s: float | None = 30.0,
) -> AudioMetrics:
    """Talk metrics from each role's speech activity (``agent`` and ``customer``).

    Silences are stretches of ``silence_min_s`` or more when no one speaks, between the first and the
    last speech and outside holds (as between turns in a transcript). Overtalk counts stretches of
    ``overtalk_min_ms`` or more when both speak. ``words`` (per role, e.g. from the transcript) gives
    words per minute of that role's measured talk time.
    """
    missing = [role for role in ROLES if role not in activity]
    if missing:
        raise CallqaError(ErrorCode.I804, needed=", ".join(ROLES), got=", ".join(activity) or "none")
    agent, customer = activity["agent"], activity["customer"]
    duration_ms = max(agent.duration_ms, customer.duration_ms)
    holds = find_holds(
        agent, customer, agent_samples=agent_samples, music_min_s=music_min_s, silence_hold_s=silence_hold_s
    )
    a, c = agent.mask(GRID_MS), customer.mask(GRID_MS)
    count = max(len(a), len(c))
    a, c = np.pad(a, (0, count - len(a))), np.pad(c, (0, count - len(c)))
    hold_mask = spans_to_mask([(h.start_ms, h.end_ms) for h in holds], duration_ms, GRID_MS)
    first, last = _speech_bounds(a | c)
    inside = np.zeros(count, dtype=bool)
    inside[first:last] = True
    quiet = inside & ~a & ~c & ~np.pad(hold_mask, (0, count - len(hold_mask)))
    silent = drop_short(quiet, math.ceil(silence_min_s * 1000 / GRID_MS))
    both = drop_short(a & c, math.ceil(overtalk_min_ms / GRID_MS))
    silences = _gaps(silent, "silence", "audio", duration_ms)
    overtalks = tuple(Span(g.start_ms, g.end_ms) for g in _gaps(both, "overtalk", "audio", duration_ms))
    talk = {"agent": agent.speech_ms, "customer": customer.speech_ms}
    total = sum(talk.values())
    share = {role: round(ms / total, 3) if total else None for role, ms in talk.items()}
    wpm: dict[str, float | None] = dict.fromkeys(ROLES)
    for role, count_words in (words or {}).items():
        minutes = talk.get(role, 0) / 60000
        wpm[role] = round(count_words / minutes, 1) if minutes > 0.05 else None
    return AudioMetrics(
        duration_s=round(duration_ms / 1000, 1),
        agent_talk_s=round(talk["agent"] / 1000, 1),
        customer_talk_s=round(talk["customer"] / 1000, 1),
        agent_talk_share=share["agent"],
        customer_talk_share=share["customer"],
        agent_wpm=wpm["agent"],
        customer_wpm=wpm["customer"],
        overtalk_s=round(int(both.sum()) * GRID_MS / 1000, 1),
        overtalk_count=len(overtalks),
        silence_total_s=round(sum((g.seconds for g in silences), 0.0), 1),
        silence_max_s=round(max((g.seconds for g in silences), default=0.0), 1),
        hold_count=len(holds),
        hold_total_s=round(sum((h.seconds for h in holds), 0.0), 1),
        hold_max_s=round(max((h.seconds for h in holds), default=0.0), 1),
        holds=holds,
        silences=silences,
        overtalks=overtalks,
    )


def stereo_metrics(
    channels: NDArray[Any],
    *,
    roles: Sequence[str] = ROLES,
    words: Mapping[str, int] | None = None,
    method: Method = "combined",
    silence_min_s: float = 3.0,
    overtalk_min_ms: int = 200,
) -> AudioMetrics:
    """:func:`call_metrics` of a channels × samples call at 16 kHz whose channel ``i`` is ``roles[i]``."""
    stereo = as_channels(channels)
    if stereo.shape[0] != len(roles):
        raise CallqaError(
            ErrorCode.I800, expected=f"{len(roles)} channels ({', '.join(roles)})", shape=stereo.shape
        )
    found = dict(zip(roles, channel_activity(stereo, method=method), strict=True))
    agent_samples = stereo[list(roles).index("agent")] if "agent" in roles else None
    return call_metrics(
        found,
        agent_samples=agent_samples,
        words=words,
        silence_min_s=silence_min_s,
        overtalk_min_ms=overtalk_min_ms,
    )
