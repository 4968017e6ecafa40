"""Talk metrics: talk share, silences, overtalk, speech rate, holds, response times, readability."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.analysis.moments import hold_phrases
from callqa.core.annotations import ROLES, Gap, Metrics, Timeline
from callqa.core.document import Interaction, Turn

_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\s\u3400-\u9fff\uf900-\ufaff]+")
_SENTENCE_END = re.compile(r"[.!?。！？؟]+")
_WORDS_PER_S = 2.6  # conversational English / Lithuanian / Persian
_CJK_CHARS_PER_S = 4.2  # conversational Mandarin


@functools.lru_cache(maxsize=50_000)
def word_count(text: str) -> int:
    """Words of alphabetic scripts plus Han characters (a reading-rate unit, not linguistics)."""
    return len(_WORD.findall(_CJK.sub(" ", text))) + len(_CJK.findall(text))


@functools.lru_cache(maxsize=50_000)
def speech_ms(text: str) -> int:
    """How long saying a text takes at a conversational rate."""
    han = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    return int(1000 * (words / _WORDS_PER_S + han / _CJK_CHARS_PER_S)) + 300


def turn_ends(turns: Sequence[Turn], voice: bool) -> list[int | None]:
    """Measured ends, or for voice the start plus the speaking time, cut at the next turn's start."""
    ends: list[int | None] = []
    following: int | None = None  # the next turn's start, walking backwards
    for turn in reversed(turns):
        if turn.end_ms is not None or turn.start_ms is None or not voice:
            ends.append(turn.end_ms)
        else:
            end = turn.start_ms + speech_ms(turn.text)
            ends.append(min(end, following) if following is not None and following >= turn.start_ms else end)
        if turn.start_ms is not None:
            following = turn.start_ms
    ends.reverse()
    return ends


def _holds_from_events(interaction: Interaction, turns: Sequence[Turn]) -> list[Gap]:
    holds = []
    for event in interaction.events:
        if event.kind == "hold" and event.start_ms is not None and event.end_ms is not None:
            after = max((i for i, t in enumerate(turns) if (t.start_ms or 0) <= event.start_ms), default=None)
            holds.append(Gap("hold", event.start_ms, event.end_ms, after, "event"))
    return holds


def _overlaps(gap_start: int, gap_end: int, holds: Sequence[Gap]) -> bool:
    return any(h.start_ms < gap_end and gap_start < h.end_ms for h in holds)


def timeline(
    interaction: Interaction, *, hold_gap_s: float, silence_min_s: float, is_hold_request: Any
) -> Timeline:
    """Holds (events, or long gaps after an agent announced a hold) and silences between turns."""
    turns = interaction.turns
    voice = interaction.channel == "voice"
    ends = turn_ends(turns, voice)
    holds = _holds_from_events(interaction, turns)
    silences: list[Gap] = []
    if voice:
        for i in range(len(turns) - 1):
            end, start = ends[i], turns[i + 1].start_ms
            if end is None or start is None or start - end < silence_min_s * 1000:
                continue
            if _overlaps(end, start, holds):
                continue
            announced = any(
                t.role == "agent" and is_hold_request(t.text) for t in turns[max(0, i - 1) : i + 1]
            )
            if not any(h.source == "event" for h in holds) and announced and start - end >= hold_gap_s * 1000:
                holds.append(Gap("hold", end, start, i, "gap"))
            else:
                silences.append(Gap("silence", end, start, i, "gap"))
    return Timeline(tuple(sorted(holds, key=lambda g: g.start_ms)), tuple(silences), tuple(ends))


def _talk(turns: Sequence[Turn], ends: Sequence[int | None]) -> dict[str, float]:
    talk = dict.fromkeys(ROLES, 0.0)
    for turn, end in zip(turns, ends, strict=True):
        if turn.role in talk and turn.start_ms is not None and end is not None:
            talk[turn.role] += max(0, end - turn.start_ms)
    return talk


def _overtalk_ms(turns: Sequence[Turn]) -> int:
    total = 0
    for a, b in itertools.pairwise(turns):
        if a.role != b.role and a.end_ms is not None and b.start_ms is not None and a.start_ms is not None:
            total += max(0, min(a.end_ms, b.end_ms or a.end_ms) - max(b.start_ms, a.start_ms))
    return total


def _reply_times(turns: Sequence[Turn]) -> list[float]:
    """Seconds from the first unanswered customer message to the agent's next message."""
    waits: list[float] = []
    waiting_since: int | None = None
    for turn in turns:
        if turn.start_ms is None:
            continue
        if turn.role == "customer" and waiting_since is None:
            waiting_since = turn.start_ms
        elif turn.role == "agent" and waiting_since is not None:
            waits.append(max(0, turn.start_ms - waiting_since) / 1000)
            waiting_since = None
    return waits


def _sentence_words(turns: Sequence[Turn]) -> float | None:
    counts = [n for t in turns if t.role == "agent" for n in _sentence_word_counts(t.text)]
    return sum(counts) / len(counts) if counts else None


@functools.lru_cache(maxsize=50_000)
def _sentence_word_counts(text: str) -> tuple[int, ...]:
    return tuple(word_count(s) for s in _SENTENCE_END.split(text) if s.strip())


def compute_metrics(interaction: Interaction, line: Timeline) -> Metrics:
    """Every metric the scorecards and reports use, keyed by a stable name (seconds, ratios, counts)."""
    turns = interaction.turns
    talk = _talk(turns, line.turn_ends)
    talk_total = sum(talk.values())
    starts = [t.start_ms for t in turns if t.start_ms is not None]
    ends = [e for e in line.turn_ends if e is not None]
    span_ms = (max(ends + starts) - min(starts)) if starts else None
    duration_ms = interaction.duration_ms or span_ms
    metrics: Metrics = {
        "duration_s": None if duration_ms is None else round(duration_ms / 1000, 1),
        "turns": len(turns),
        "agent_turns": sum(t.role == "agent" for t in turns),
        "customer_turns": sum(t.role == "customer" for t in turns),
        "hold_count": len(line.holds),
        "hold_total_s": round(sum(h.seconds for h in line.holds), 1),
        "hold_max_s": round(max((h.seconds for h in line.holds), default=0.0), 1),
        "silence_total_s": round(sum(s.seconds for s in line.silences), 1),
        "silence_max_s": round(max((s.seconds for s in line.silences), default=0.0), 1),
        "transfer_count": sum(e.kind == "transfer" for e in interaction.events),
        "agent_sentence_words": _round(_sentence_words(turns)),
    }
    for role in ROLES:
        words = sum(word_count(t.text) for t in turns if t.role == role)
        metrics[f"{role}_words"] = words
        metrics[f"{role}_talk_share"] = round(talk[role] / talk_total, 3) if talk_total else None
        minutes = talk[role] / 60000
        metrics[f"{role}_wpm"] = round(words / minutes, 1) if minutes > 0.05 else None
    metrics["overtalk_s"] = round(_overtalk_ms(turns) / 1000, 1)
    if interaction.channel != "voice":
        waits = _reply_times(turns)
        metrics["first_response_s"] = _round(waits[0] if waits else None)
        metrics["reply_avg_s"] = _round(sum(waits) / len(waits) if waits else None)
        metrics["reply_max_s"] = _round(max(waits) if waits else None)
    return metrics


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@analyzers.register("callqa.metrics.v1")
class MetricsAnalyzer:
    """Talk metrics and the hold/silence timeline."""

    name: ClassVar[str] = "callqa.metrics.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction", "redacted")
    assigns: ClassVar[tuple[str, ...]] = ("metrics", "timeline")

    def __init__(self, hold_gap_s: float = 30.0, silence_min_s: float = 3.0) -> None:
        self.hold_gap_s = hold_gap_s
        self.silence_min_s = silence_min_s

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        matcher = hold_phrases("hold_request")
        line = timeline(
            analysis.interaction,
            hold_gap_s=self.hold_gap_s,
            silence_min_s=self.silence_min_s,
            is_hold_request=lambda text: bool(matcher.find(text)),
        )
        metrics = compute_metrics(analysis.interaction, line)
        return {"metrics": with_audio_measures(metrics, analysis.interaction), "timeline": line}


# Figures a recording measures better than word timings do (both parties' real speech, overlap, quiet).
AUDIO_MEASURED = (
    "agent_talk_share",
    "customer_talk_share",
    "agent_wpm",
    "customer_wpm",
    "overtalk_s",
    "overtalk_count",
    "silence_total_s",
    "silence_max_s",
)


def with_audio_measures(metrics: Metrics, interaction: Interaction) -> Metrics:
    """``metrics`` with the figures measured on the call's audio, when the transcript came from one."""
    recording = interaction.recording
    measured = recording.transcription.get("metrics") if recording is not None else None
    if not isinstance(measured, dict):
        return metrics
    return {**metrics, **{k: measured[k] for k in AUDIO_MEASURED if k in measured}}
