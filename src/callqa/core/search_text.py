"""Words of a transcript as the full-text index and its queries see them, in every language.

Both sides go through ``words``: Chinese (and other Han) runs are segmented by jieba, everything else is
split on what is not a letter or a digit; each word is folded (Persian yeh and kaf, accents stripped,
case folded) so "grazinti" finds "grąžinti" and 退款 finds 我想申请退款.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+")
# Arabic yeh / alef maksura and kaf as Persian writes them (privacy/digits.py does the same for digits)
_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})


@dataclass(frozen=True, slots=True)
class Word:
    folded: str
    start: int  # span in the NFC text
    end: int


def fold(word: str) -> str:
    """Accents and case dropped, Persian letters normalised: the form both index and query compare."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_PERSIAN))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).casefold()


@cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)  # its "Building prefix dict" lines are not ours to print
    return jieba


def words(text: str) -> list[Word]:
    """The folded words of ``text`` (taken as NFC) with their spans, in order."""
    text = unicodedata.normalize("NFC", text)
    found: list[Word] = []
    position = 0
    for han in _HAN.finditer(text):
        found.extend(_plain(text, position, han.start()))
        for piece, start, end in _jieba().tokenize(han.group()):
            found.append(Word(piece, han.start() + start, han.start() + end))
        position = han.end()
    found.extend(_plain(text, position, len(text)))
    return [w for w in found if w.folded]


def _plain(text: str, start: int, end: int) -> list[Word]:
    return [Word(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def index_text(text: str) -> str:
    """What the index stores for a turn: its folded words separated by spaces."""
    return " ".join(w.folded for w in words(text))
