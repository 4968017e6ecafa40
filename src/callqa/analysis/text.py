"""Language-aware text normalisation and phrase matching that is safe next to CJK and Persian script.

Matching happens on a *folded* copy of the text (case, Latin diacritics, traditional → simplified Chinese,
Arabic → Persian letter forms, ZWNJ and repeated spaces) whose characters map back to the original, so
evidence always quotes and points at the text as stored. Boundaries are explicit look-arounds on letters
of alphabetic scripts, never ``\\b`` (which treats 银 in "Acme银行" as a word character).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PERSIAN_FORMS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا"}
)
# Variants OpenCC's t2s keeps apart but people use interchangeably in simplified text.
_ZH_VARIANTS = str.maketrans({"帐": "账", "着": "着", "裡": "里", "妳": "你", "祢": "你"})
_DROP = {"\u0640", "\u200d", "\u064b", "\u064c", "\u064d", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652"}
_SPACE_LIKE = {"\u200c", "\u00a0", "\u2009", "\u202f", "\u3000"}
# Letters and digits of the supported scripts; Arabic-script punctuation (، ؛ ؟ ٪ ٫ ٬ ٭ ۔) is left out so a
# phrase directly before "؟" still has a word boundary.
_ALNUM_CLASS = (
    "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
    "\u0600-\u060b\u060d-\u061a\u061c-\u061e\u0620-\u0669\u066e-\u06d3\u06d5-\u06ff"
    "\u0750-\u077f\ufb50-\ufdff"
)
_BOUNDARY_BEFORE = f"(?<![{_ALNUM_CLASS}])"
_BOUNDARY_AFTER = f"(?![{_ALNUM_CLASS}])"
_NEEDS_BOUNDARY = re.compile(f"[{_ALNUM_CLASS}]")
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
# ASCII text whose fold is just lower case: no leading space, no space runs, no tabs or newlines, no backtick.
_ASCII_PLAIN = re.compile(r"(?! )(?:[^\s`]| (?! ))*")


@functools.cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese, one character for one (lengths are kept)."""
    if not _CJK.search(text):
        return text
    converted: str = _t2s().convert(text)  # type: ignore[attr-defined]
    if len(converted) != len(text):  # phrase-level conversions change length; fall back per character
        converted = "".join(_t2s().convert(ch) if _CJK.match(ch) else ch for ch in text)  # type: ignore[attr-defined]
        if len(converted) != len(text):
            return text
    return converted.translate(_ZH_VARIANTS)


@dataclass(frozen=True)
class Folded:
    """A folded text and, for each of its characters, the index of the original character."""

    text: str
    index: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original character span of a folded span."""
        if start >= len(self.index):
            return (self.index[-1] + 1, self.index[-1] + 1) if self.index else (0, 0)
        return self.index[start], self.index[max(end - 1, start)] + 1


@functools.lru_cache(maxsize=16384)
def _fold_char(ch: str) -> str:
    if ch in _DROP:
        return ""
    if ch in _SPACE_LIKE or ch.isspace():
        return " "
    if ch in "’‘`´":
        return "'"
    folded = ch.casefold()
    if "\u00c0" <= ch <= "\u024f":  # Latin with diacritics: ą → a, ž → z
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    elif unicodedata.category(ch) == "Nd" and not ch.isascii():
        folded = str(unicodedata.digit(ch, 0))
    return folded.translate(_PERSIAN_FORMS)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> Folded:
    """Fold a text for matching; cached because scripted sentences repeat across interactions."""
    if text.isascii() and _ASCII_PLAIN.fullmatch(text):
        return Folded(text.lower(), range(len(text)))  # nothing to fold but case: characters map 1:1
    return fold_each_character(text)


def fold_each_character(text: str) -> Folded:
    """The general fold, character by character (``fold`` takes a shortcut for plain ASCII)."""
    text_s = to_simplified(text)
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text_s):
        piece = _fold_char(ch)
        if piece == " " and (not out or out[-1] == " "):
            continue
        for p in piece:
            out.append(p)
            index.append(i)
    return Folded("".join(out), tuple(index))


def fold_phrase(phrase: str) -> str:
    return fold(phrase).text.strip()


def phrase_pattern(phrase: str, *, boundary_before: bool = True) -> str:
    """A regex for one phrase: literal words, ``*`` for a short gap, boundaries only at alphabetic edges."""
    folded = fold_phrase(phrase)
    parts = [re.escape(p.strip()) for p in folded.split("*")]
    body = r"[^.!?。！？]{0,40}?".join(p for p in parts if p)
    body = body.replace(r"\ ", r"\s+")
    if not body:
        raise ValueError(f"empty phrase {phrase!r}")
    before = _BOUNDARY_BEFORE if boundary_before and _NEEDS_BOUNDARY.match(folded[0]) else ""
    after = _BOUNDARY_AFTER if _NEEDS_BOUNDARY.match(folded[-1]) else ""
    return f"{before}{body}{after}"


@dataclass(frozen=True)
class Match:
    """Where a phrase matched, as a span of the original text."""

    start: int
    end: int
    phrase: str


class _Memo:
    """Results per text, bounded: scripted lines repeat across thousands of interactions."""

    SIZE = 20_000

    def __init__(self) -> None:
        self.found: dict[str, tuple[Match, ...]] = {}  # read directly: finds run ~300 times per call

    def put(self, text: str, found: list[Match]) -> tuple[Match, ...]:
        if len(self.found) >= self.SIZE:
            self.found.clear()
        result = self.found[text] = tuple(found)
        return result


class PhraseMatcher:
    """Finds any of a set of phrases in a text; one compiled alternation, leftmost-longest.

    Named groups and leading look-behinds stop ``re`` from skipping ahead to plausible first characters
    (hundreds of phrases: ~5 ms per text instead of ~50 µs), so a plain alternation without them scans for
    candidates and the exact pattern (boundaries, which phrase) is only tried where a candidate starts.
    Results are remembered per text.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        unique = sorted({p for p in phrases if p.strip()}, key=lambda p: -len(fold_phrase(p)))
        self.phrases = tuple(unique)
        self._regex: re.Pattern[str] | None = None
        self._scan: re.Pattern[str] | None = None
        if unique:
            self._regex = re.compile("|".join(f"(?P<p{i}>{phrase_pattern(p)})" for i, p in enumerate(unique)))
            scan = "|".join(phrase_pattern(p, boundary_before=False) for p in unique)
            self._scan = re.compile(f"(?:{scan})")
        self._memo = _Memo()

    def __bool__(self) -> bool:
        return self._regex is not None

    def find(self, text: str) -> tuple[Match, ...]:
        """Every non-overlapping match, in order of position."""
        if self._regex is None or not text:
            return ()
        found = self._memo.found.get(text)
        return self._memo.put(text, self._find(text)) if found is None else found

    def _find(self, text: str) -> list[Match]:
        assert self._regex is not None and self._scan is not None
        folded = fold(text)
        found: list[Match] = []
        pos = 0
        while candidate := self._scan.search(folded.text, pos):
            m = self._regex.match(folded.text, candidate.start())
            if m is None or m.end() == m.start():
                pos = candidate.start() + 1
                continue
            start, end = folded.span(m.start(), m.end())
            found.append(Match(start, end, self.phrases[int((m.lastgroup or "p0")[1:])]))
            pos = m.end()
        return found


class RegexMatcher:
    """User regular expressions applied to the folded text (so they are case- and script-variant-blind)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._regexes = [re.compile(p, re.IGNORECASE) for p in self.patterns]
        self._memo = _Memo()

    def __bool__(self) -> bool:
        return bool(self._regexes)

    def find(self, text: str) -> tuple[Match, ...]:
        """Every match of every pattern, in order of position; remembered per text."""
        found = self._memo.found.get(text)
        return self._memo.put(text, self._find(text)) if found is None else found

    def _find(self, text: str) -> list[Match]:
        folded = fold(text)
        found: list[Match] = []
        for pattern, regex in zip(self.patterns, self._regexes, strict=True):
            for m in regex.finditer(folded.text):
                if m.end() > m.start():
                    start, end = folded.span(m.start(), m.end())
                    found.append(Match(start, end, pattern))
        return sorted(found, key=lambda m: m.start)


def primary_language(tag: str | None) -> str:
    """``zh-Hant-TW`` → ``zh``; empty or missing → ``''``."""
    return (tag or "").split("-")[0].split("_")[0].lower()
