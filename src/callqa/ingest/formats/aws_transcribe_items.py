"""Standard Amazon Transcribe output (``results.items`` and friends) → labelled turns.

A label is a channel (``ch_0``) or a diarized speaker (``spk_1``); mapping labels to roles is the
caller's job. Turns come from ``results.audio_segments`` when every segment is labelled (Transcribe's
own punctuated text), otherwise from the words: labelled ``results.items``,
``channel_labels.channels[].items``, or ``results.items`` matched to ``speaker_labels.segments``
(older diarized outputs whose items carry no label).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.formats._jsonfile import text_of

_CHANNEL_LABEL = re.compile(r"^ch_(\d+)$")


LabelFor = Callable[[dict[str, Any], "Span | None"], "str | None"]


class NoLabels(Exception):
    """The result has words but nothing saying who spoke them."""


@dataclass(slots=True)
class Span:
    """Text said under one label: a word while building, a turn when done."""

    label: str
    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True, slots=True)
class StandardResult:
    """Turns of a standard Transcribe result, plus what is worth keeping about how they were made."""

    turns: list[Span]
    mode: str
    built_from: str
    duration_ms: int | None
    language: str | None
    word_confidence: float | None
    redacted: bool


def channel_index(label: str) -> int | None:
    """``ch_1`` → 1; speaker labels have no channel."""
    match = _CHANNEL_LABEL.match(label)
    return int(match.group(1)) if match else None


def read_standard(results: dict[str, Any]) -> StandardResult:
    """Build turns from ``results``; raises NoLabels when words exist but no labels do."""
    items = [i for i in _list(results.get("items")) if isinstance(i, dict)]
    segments = _audio_segments(results)
    if segments:
        turns, built_from = _merge(sorted(segments, key=lambda s: s.start_ms)), "audio_segments"
    else:
        words = _labelled_words(results, items)
        turns, built_from = _merge(sorted(words, key=lambda w: w.start_ms)), "items"
    spoken = [i for i in items if i.get("type") != "punctuation"]
    confidences = [c for c in (_confidence(i) for i in spoken) if c is not None]
    ends = [e for e in (_ms(i.get("end_time"), "end_time") for i in spoken) if e is not None] + [
        t.end_ms for t in turns
    ]
    labels = {t.label for t in turns}
    return StandardResult(
        turns=turns,
        mode="channel_identification" if all(channel_index(x) is not None for x in labels) else "diarization",
        built_from=built_from,
        duration_ms=max(ends) if ends else None,
        language=_language(results, items),
        word_confidence=round(sum(confidences) / len(confidences), 3) if confidences else None,
        redacted=any(_alternative(i).get("redactions") for i in items),
    )


def _labelled_words(results: dict[str, Any], items: list[dict[str, Any]]) -> list[Span]:
    if any(_label_of(i) for i in items if i.get("type") == "pronunciation"):
        return _words(items, lambda item, _previous: _label_of(item))
    channels = _list(_dict(results.get("channel_labels")).get("channels"))
    if channels:
        words: list[Span] = []
        for channel in channels:
            if isinstance(channel, dict):
                stream = [i for i in _list(channel.get("items")) if isinstance(i, dict)]
                words.extend(_words(stream, _channel_labeller(text_of(channel.get("channel_label")))))
        return words
    by_time = _speaker_times(_dict(results.get("speaker_labels")))
    if by_time:
        return _words(items, lambda item, previous: _speaker_at(by_time, item, previous))
    if any(i.get("type") == "pronunciation" for i in items):
        raise NoLabels
    return []


def _channel_labeller(channel: str | None) -> LabelFor:
    def label(item: dict[str, Any], _previous: Span | None) -> str | None:
        return _label_of(item) or channel

    return label


def _words(items: Iterable[dict[str, Any]], label_for: LabelFor) -> list[Span]:
    """Pronunciations become words; punctuation joins the last word said under the same label."""
    words: list[Span] = []
    last: dict[str, Span] = {}
    previous: Span | None = None
    for item in items:
        content = text_of(_alternative(item).get("content"))
        if content is None:
            continue
        label = label_for(item, previous)
        if item.get("type") == "punctuation":
            target = last.get(label) if label else previous
            if target is not None:
                target.text += content
            continue
        if not label:
            continue
        start = _ms(item.get("start_time"))
        start = start if start is not None else (previous.end_ms if previous else 0)
        end = _ms(item.get("end_time"), "end_time")
        word = Span(label, start, max(start, end if end is not None else start), content)
        words.append(word)
        last[label] = previous = word
    return words


def _speaker_times(speaker_labels: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, speaker) of every word of ``speaker_labels.segments``, falling back to whole segments."""
    spans: list[tuple[int, int, str]] = []
    for segment in _list(speaker_labels.get("segments")):
        if not isinstance(segment, dict) or not text_of(segment.get("speaker_label")):
            continue
        speaker = str(segment["speaker_label"]).strip()
        for word in _list(segment.get("items")) or [segment]:
            if isinstance(word, dict):
                start, end = _ms(word.get("start_time")), _ms(word.get("end_time"), "end_time")
                if start is not None:
                    label = text_of(word.get("speaker_label")) or speaker
                    spans.append((start, end if end is not None else start, label))
    return sorted(spans)


def _speaker_at(spans: list[tuple[int, int, str]], item: dict[str, Any], previous: Span | None) -> str | None:
    start = _ms(item.get("start_time"))
    if start is None:
        return previous.label if previous else None
    exact = [s for s in spans if s[0] == start]
    if exact:
        return exact[0][2]
    covering = [s for s in spans if s[0] <= start <= s[1]]
    return covering[0][2] if covering else (previous.label if previous else None)


def _audio_segments(results: dict[str, Any]) -> list[Span]:
    """Labelled ``audio_segments``, or none at all if any segment lacks a label (then words are used)."""
    spans: list[Span] = []
    for segment in _list(results.get("audio_segments")):
        if not isinstance(segment, dict):
            continue
        text = text_of(segment.get("transcript"))
        label = _label_of(segment)
        if not label:
            return []
        start, end = _ms(segment.get("start_time")), _ms(segment.get("end_time"), "end_time")
        if text is None or start is None:
            continue
        spans.append(Span(label, start, max(start, end if end is not None else start), text))
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    """Consecutive spans of one label become one turn."""
    turns: list[Span] = []
    for span in spans:
        if turns and turns[-1].label == span.label:
            turn = turns[-1]
            turn.text = join_tokens(turn.text, span.text)
            turn.end_ms = max(turn.end_ms, span.end_ms)
        else:
            turns.append(Span(span.label, span.start_ms, span.end_ms, span.text))
    return turns


def join_tokens(left: str, right: str) -> str:
    """Join two pieces of text with a space, except between characters of scripts written without spaces."""
    if left and right and _unspaced(left[-1]) and _unspaced(right[0]):
        return left + right
    return f"{left} {right}"


def _unspaced(char: str) -> bool:
    if unicodedata.category(char).startswith("P") and ord(char) >= 0x3000:
        return True  # full-width punctuation such as 。，？
    name = unicodedata.name(char, "")
    return name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "THAI", "LAO ", "KHMER", "MYANMAR", "HANGUL"))


def _language(results: dict[str, Any], items: list[dict[str, Any]]) -> str | None:
    code = text_of(results.get("language_code"))
    if code:
        return code
    counts: dict[str, int] = {}
    for item in items:
        tag = text_of(item.get("language_code"))
        if tag:
            counts[tag] = counts.get(tag, 0) + 1
    return max(counts, key=lambda tag: counts[tag]) if counts else None


def _label_of(node: dict[str, Any]) -> str | None:
    # With diarization inside a channel both may be present; the speaker is the finer distinction.
    return text_of(node.get("speaker_label")) or text_of(node.get("channel_label"))


def _alternative(item: dict[str, Any]) -> dict[str, Any]:
    alternatives = _list(item.get("alternatives"))
    first = alternatives[0] if alternatives else None
    return first if isinstance(first, dict) else {}


def _confidence(item: dict[str, Any]) -> float | None:
    # A redacted word's own confidence is 0; how sure Transcribe was of the word is under "redactions".
    alternative = _alternative(item)
    redactions = _list(alternative.get("redactions"))
    if redactions and isinstance(redactions[0], dict):
        return _float(redactions[0].get("confidence"))
    return _float(alternative.get("confidence"))


def _ms(value: object, field: str = "start_time") -> int | None:
    """Seconds as milliseconds; absent is None, anything else that is not a time is an I503 for the file."""
    if value is None:
        return None
    seconds = _float(value)
    if seconds is None or not 0 <= seconds < 2**40:
        raise CallqaError(ErrorCode.I503, field=field, value=value)
    return round(seconds * 1000)


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
