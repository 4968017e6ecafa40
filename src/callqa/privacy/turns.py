"""Numbers read out over several turns: a caller pausing mid-number, or diarization cutting it in two.

"4024 7816" then "1849 5930" are two harmless halves on their own. Consecutive turns whose boundary falls
between digits (written or spoken) are read again joined, and whatever is found across a boundary is
redacted in every turn it touches — whoever the diarizer said was speaking, since a mono recording's
speakers are a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from callqa.privacy.detectors import detect
from callqa.privacy.digits import ends_with_digit, starts_with_digit
from callqa.privacy.kinds import Finding

# How many turns one reading joins, and how far the next reading starts: any three linked turns in a row
# share a reading, enough for a number cut twice (four groups read with two long pauses).
WINDOW_TURNS = 4
_STEP = 2
_JOIN = " "
# The other party's "mhm" between two halves of a number does not end it: a turn of at most this many words,
# without digits, is stepped over when the turns on both sides are one speaker's.
_BACKCHANNEL_WORDS = 3


def split_findings(turns: Sequence[tuple[str, str]], context_of: Callable[[int], str]) -> list[list[Finding]]:
    """Per turn, the parts of findings that cross from one turn into the next (offsets into that turn).

    ``turns`` are (role, text); ``context_of(i)`` is what was said before turn ``i`` (see
    :func:`callqa.privacy.redact.turn_context`). Findings wholly inside one turn are not returned: a
    reading of the turn on its own finds them.
    """
    parts: list[list[Finding]] = [[] for _ in turns]
    for chain in _chains(turns):
        for first in range(0, len(chain) - 1, _STEP):
            window = chain[first : first + WINDOW_TURNS]
            _read_joined(turns, window, context_of(window[0]), parts)
            if window[-1] == chain[-1]:
                break
    return parts


def _link(turns: Sequence[tuple[str, str]], index: int) -> int | None:
    """The turn that may carry on a number ``turns[index]`` ends with, if any."""
    if not ends_with_digit(turns[index][1]) or index + 1 >= len(turns):
        return None
    if starts_with_digit(turns[index + 1][1]):
        return index + 1
    between, after = index + 1, index + 2
    if (
        after < len(turns)
        and turns[after][0] == turns[index][0] != turns[between][0]
        and len(turns[between][1].split()) <= _BACKCHANNEL_WORDS
        and not any(ch.isdigit() for ch in turns[between][1])
        and starts_with_digit(turns[after][1])
    ):
        return after
    return None


def _chains(turns: Sequence[tuple[str, str]]) -> list[list[int]]:
    """Runs of linked turns (two or more), each turn in at most one run."""
    links = {index: target for index in range(len(turns) - 1) if (target := _link(turns, index)) is not None}
    targets = set(links.values())
    chains: list[list[int]] = []
    for start in sorted(links):
        if start in targets:
            continue
        chain = [start]
        while chain[-1] in links:
            chain.append(links[chain[-1]])
        chains.append(chain)
    return chains


def _read_joined(
    turns: Sequence[tuple[str, str]], window: list[int], context: str, parts: list[list[Finding]]
) -> None:
    starts: list[int] = []
    texts: list[str] = []
    offset = 0
    for turn in window:
        starts.append(offset)
        texts.append(turns[turn][1])
        offset += len(turns[turn][1]) + len(_JOIN)
    for finding in detect(_JOIN.join(texts), context=context):
        touched = [
            (turn, start)
            for turn, start, text in zip(window, starts, texts, strict=True)
            if finding.start < start + len(text) and start < finding.end
        ]
        if len(touched) < 2:
            continue
        for turn, start in touched:
            begin = max(finding.start - start, 0)
            end = min(finding.end - start, len(turns[turn][1]))
            if turns[turn][1][begin:end].strip():
                parts[turn].append(Finding(finding.kind, begin, end))
