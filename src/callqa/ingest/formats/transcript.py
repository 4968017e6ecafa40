"""Plain-text transcripts: ``[mm:ss] Role (Name): text`` per line, in any of the supported languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from callqa.core.config import IngestConfig
from callqa.core.decoding import decode_text
from callqa.core.document import Role
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, ParseResult, SourceRef
from callqa.ingest.roles import RoleLexicon
from callqa.ingest.timecodes import parse_clock
from callqa.ingest.validation import build_interaction

# [00:05], [1:02:03.5], (00:05) or a bare 00:05 before the speaker; the role word may carry a name
# in brackets; ASCII or full-width colon. A "role" is at most four words so sentences with a colon
# in them do not look like speaker lines.
_LINE = re.compile(
    r"""^\s*
    (?:[\[(]?(?P<time>\d{1,4}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?)[\])]?\s*[-–]?\s*)?
    (?P<role>[^\W\d_][^:：()\[\]（）]{0,30}?)
    \s*(?:[(（\[](?P<name>[^)）\]]{1,60})[)）\]])?
    \s*[:：]\s?(?P<text>.*)$""",
    re.VERBOSE,
)
_MAX_ROLE_WORDS = 4


@dataclass
class _Turn:
    role: Role
    start_ms: int | None
    speaker: str | None
    line: int
    parts: list[str] = field(default_factory=list)


class TranscriptFormat:
    name = "transcript"
    summary = "plain-text transcript, one 'Role: text' turn per line, optional [mm:ss] timestamps"
    per_file = True

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.8 if path.suffix.lower() in {".txt", ".text", ".transcript"} else 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        ref = SourceRef(path)
        try:
            text, _ = decode_text(path.read_bytes())
            turns = _read_turns(text, RoleLexicon(config.roles), path)
        except CallqaError as exc:
            line = exc.values.get("line")
            yield Failure.of(SourceRef(path, line if isinstance(line, int) else None), exc)
            return
        except OSError as exc:
            yield Failure.coded(ref, ErrorCode.I103, reason=exc.strerror or exc)
            return
        if not turns:
            yield Failure.coded(ref, ErrorCode.I301)
            return
        data = {
            "external_id": path.stem,
            "source": "transcript",
            "channel": "voice",
            "turns": [_turn_dict(turn) for turn in turns if any(turn.parts)],
        }
        yield build_interaction(data, SourceRef(path, 1))


def _read_turns(text: str, lexicon: RoleLexicon, path: Path) -> list[_Turn]:
    turns: list[_Turn] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff\u200f\u200e")
        if not line:
            continue
        match = _LINE.match(line)
        if match:
            role_word = match.group("role").strip()
            role = lexicon.lookup(role_word) if len(role_word.split()) <= _MAX_ROLE_WORDS else None
            if role is not None:
                start = _clock(match.group("time"), number)
                turns.append(
                    _Turn(role, start, _clean(match.group("name")), number, [match.group("text").strip()])
                )
                continue
            if match.group("time") or _looks_like_speaker(role_word):
                raise _at(CallqaError(ErrorCode.I300, word=role_word, known=lexicon.known_summary()), number)
        if not turns:
            raise _at(CallqaError(ErrorCode.I305), number)
        turns[-1].parts.append(line)
    return turns


def _looks_like_speaker(word: str) -> bool:
    """A short label without digits before a colon is meant as a speaker, not prose."""
    return len(word) <= 24 and len(word.split()) <= 2 and not any(ch.isdigit() for ch in word)


def _clock(value: str | None, line: int) -> int | None:
    if value is None:
        return None
    try:
        return parse_clock(value)
    except CallqaError as exc:
        raise _at(exc, line) from None


def _at(exc: CallqaError, line: int) -> CallqaError:
    exc.values["line"] = line
    return exc


def _clean(name: str | None) -> str | None:
    return name.strip() if name and name.strip() else None


def _turn_dict(turn: _Turn) -> dict[str, object]:
    # Transcripts give start times only; the end stays unknown rather than guessed.
    joiner = "" if _is_cjk(turn.parts[0][-1:] if turn.parts[0] else "") else " "
    return {
        "role": turn.role.value,
        "text": joiner.join(p for p in turn.parts if p),
        "start_ms": turn.start_ms,
        "speaker": turn.speaker,
    }


def _is_cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")


TRANSCRIPT = TranscriptFormat()
