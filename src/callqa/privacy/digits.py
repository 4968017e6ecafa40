"""Digit normalisation and spoken-digit rewriting that keep every offset traceable to the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Every entry maps one code point to exactly one code point, so ``normalise`` never changes the length
# and an offset into the normalised text is the same offset into the original.
_TABLE: dict[int, str] = {}
for _base in (0x0660, 0x06F0, 0xFF10):  # Arabic-Indic, Persian (extended Arabic-Indic), full-width digits
    for _i in range(10):
        _TABLE[_base + _i] = str(_i)
for _i in range(26):
    _TABLE[0xFF21 + _i] = chr(ord("A") + _i)
    _TABLE[0xFF41 + _i] = chr(ord("a") + _i)
_TABLE.update(
    {
        0xFF20: "@",
        0xFF0B: "+",
        0xFF0D: "-",
        0xFF0E: ".",
        0xFF0F: "/",
        0xFF3F: "_",
        0x30FB: ".",  # katakana middle dot, typed between digit groups in CJK text
        0xFF65: ".",
        0x00B7: ".",  # middle dot
        0xFF08: "(",
        0xFF09: ")",
        0xFF1A: ":",
        0x2010: "-",
        0x2011: "-",
        0x2012: "-",
        0x2013: "-",
        0x2014: "-",
        0x2212: "-",
        0x066B: ".",  # Arabic decimal separator
        0x066C: ",",  # Arabic thousands separator
        # The full-width and Arabic commas stay as they are: they end clauses and never group digits,
        # so "123，4111..." is a code then a card, not the amount 123,4111.
        0x064A: "\u06cc",  # Arabic yeh -> Persian yeh, so Persian keywords match either spelling
        0x0649: "\u06cc",  # alef maksura, often typed for Persian yeh
        0x0643: "\u06a9",  # Arabic kaf -> Persian keheh
        0x00A0: " ",
        0x2007: " ",
        0x2009: " ",
        0x200A: " ",
        0x202F: " ",
        0x3000: " ",
        0x200B: " ",
        # Bidi marks are sprinkled into Persian numbers by editors; as spaces they become group separators.
        0x200E: " ",
        0x200F: " ",
        0x061C: " ",
        0x202A: " ",
        0x202B: " ",
        0x202C: " ",
        0x202D: " ",
        0x202E: " ",
        0x2066: " ",
        0x2067: " ",
        0x2068: " ",
        0x2069: " ",
    }
)


def normalise(text: str) -> str:
    """Map Persian, Arabic-Indic and full-width digits (and a few separators) to ASCII, keeping the length."""
    return text if text.isascii() else text.translate(_TABLE)


# --- digit runs --------------------------------------------------------------------------------------

# Groups of ASCII digits joined by at most two spaces, or one dash/dot/comma/underscore/slash with optional
# spaces around it (speech recognition writes a card number read in groups as "4646, 4646, 4646, 4644.";
# people type "4485_2553_4192_8329" and "5105/7648/3503/0564" to get past naive filters).
# Possessive repetition: separators and digits are disjoint, so there is nothing useful to backtrack into.
RUN_RE = re.compile(r"(?=[0-9])(?<![0-9])[0-9]+(?:(?:[ \t\r\n]{1,2}|[ ]?[-.,_/][ ]?)[0-9]+)*+")
_GROUP_RE = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Run:
    """A run of digit groups: ``groups`` are (start, end) offsets of each group of digits."""

    start: int
    end: int
    groups: list[tuple[int, int]]


def digit_runs(norm: str, min_chars: int) -> Iterator[Run]:
    """Yield the digit runs of normalised text that are at least ``min_chars`` characters long."""
    for match in RUN_RE.finditer(norm):
        start, end = match.span()
        if end - start < min_chars:
            continue
        groups = [g.span() for g in _GROUP_RE.finditer(norm, start, end)]
        yield Run(start, end, groups)


# --- spoken digits ------------------------------------------------------------------------------------

_WORD_DIGITS: dict[str, str] = {
    # English speech recognition
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    # Lithuanian (nominative and accusative, as dictated)
    "nulis": "0",
    "nulį": "0",
    "vienas": "1",
    "vieną": "1",
    "du": "2",
    "dvi": "2",
    "trys": "3",
    "tris": "3",
    "keturi": "4",
    "keturis": "4",
    "penki": "5",
    "penkis": "5",
    "šeši": "6",
    "šešis": "6",
    "septyni": "7",
    "septynis": "7",
    "aštuoni": "8",
    "aštuonis": "8",
    "devyni": "9",
    "devynis": "9",
    # Persian; "one" is also typed with Arabic yeh/kaf, and runs are found before normalisation
    "صفر": "0",
    "یک": "1",
    "يک": "1",
    "يك": "1",
    "یك": "1",
    "دو": "2",
    "سه": "3",
    "چهار": "4",
    "پنج": "5",
    "شش": "6",
    "هفت": "7",
    "هشت": "8",
    "نه": "9",
}
_REPEAT = {"double": 2, "triple": 3}
_HAN_DIGITS = {
    "〇": "0",
    "零": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}

_WORDS = "|".join(sorted(map(re.escape, _WORD_DIGITS), key=len, reverse=True))
# "Not next to a letter" rather than \b: \b treats digits as word characters and ZWNJ as a boundary,
# which would split Persian compounds such as "سه‌شنبه" (Tuesday) into a digit word.
_TOKEN = rf"(?<![^\W\d_])(?:(?:double|triple)[ -]+)?(?:{_WORDS})(?![^\W\d_]|\u200c)"
# The look-ahead on first letters lets the engine skip most positions quickly (3x faster).
_FIRST_LETTERS = "".join(sorted({word[0] for word in (*_WORD_DIGITS, *_REPEAT)}))
SPOKEN_RUN_RE = re.compile(rf"(?=[{_FIRST_LETTERS}]){_TOKEN}(?:[ ,.\-]{{1,3}}{_TOKEN})++", re.IGNORECASE)
_SPOKEN_TOKEN_RE = re.compile(rf"(?:(double|triple)[ -]+)?({_WORDS})", re.IGNORECASE)
_HAN_CLASS = "〇零一幺二三四五六七八九"
_HAN_MAGNITUDE = "十百千万萬亿億"
# A numeral next to 十/百/千 is a quantity ("二十三"), not a digit being read out.
HAN_RUN_RE = re.compile(
    rf"(?<![{_HAN_MAGNITUDE}{_HAN_CLASS}])[{_HAN_CLASS}](?:[ ,，、]?[{_HAN_CLASS}]){{2,}}+"
    rf"(?![{_HAN_MAGNITUDE}])"
)
_HAN_TOKEN_RE = re.compile(f"[{_HAN_CLASS}]")
_GATE_WORDS = frozenset(_WORD_DIGITS) | frozenset(_REPEAT)


_EDGE_WORD_RE = re.compile(r"[^\W_]+")


def _is_digit_token(token: str) -> bool:
    return token.isdigit() or token in _HAN_DIGITS or token.lower() in _WORD_DIGITS


def ends_with_digit(text: str) -> bool:
    """Whether the last word of ``text`` (punctuation aside) is a digit, written or spoken."""
    tail = text[-40:]
    if tail and (tail.rstrip(" \t\r\n.,;:!?…-—،。，！？、")[-1:] in _HAN_DIGITS):
        return True
    words = _EDGE_WORD_RE.findall(tail)
    return bool(words) and (words[-1][-1].isdigit() or _is_digit_token(words[-1]))


def starts_with_digit(text: str) -> bool:
    """Whether the first word of ``text`` (punctuation aside) is a digit, written or spoken."""
    head = text[:40]
    if head and head.lstrip(" \t\r\n.,;:!?…-—،。，！？、")[:1] in _HAN_DIGITS:
        return True
    words = _EDGE_WORD_RE.findall(head)
    return bool(words) and (words[0][0].isdigit() or _is_digit_token(words[0]))


def _may_have_spoken_run(text: str) -> bool:
    # The word regex costs ~5 us on an ordinary sentence; this set test costs ~0.6 us. It cannot miss a
    # run: the middle words of any run of 3+ digits sit between separators, which become spaces here.
    words = text.lower().replace(",", " ").replace(".", " ").replace("-", " ").split()
    return not _GATE_WORDS.isdisjoint(words)


def spoken_runs(text: str) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Runs of spoken digits: (start, end, [(token start, token end, digits)]) with at least 3 digits."""
    runs: list[tuple[int, int, list[tuple[int, int, str]]]] = []
    matches = SPOKEN_RUN_RE.finditer(text) if _may_have_spoken_run(text) else ()
    for match in matches:
        tokens = []
        for tok in _SPOKEN_TOKEN_RE.finditer(text, match.start(), match.end()):
            repeat = _REPEAT[tok.group(1).lower()] if tok.group(1) else 1
            tokens.append((tok.start(), tok.end(), _WORD_DIGITS[tok.group(2).lower()] * repeat))
        if sum(len(t[2]) for t in tokens) >= 3:
            runs.append((match.start(), match.end(), tokens))
    if not text.isascii():
        for match in HAN_RUN_RE.finditer(text):
            tokens = [
                (tok.start(), tok.end(), _HAN_DIGITS[tok.group()])
                for tok in _HAN_TOKEN_RE.finditer(text, match.start(), match.end())
            ]
            runs.append((match.start(), match.end(), tokens))
        runs.sort()
    return runs


@dataclass(frozen=True, slots=True)
class Rewritten:
    """Text with spoken digits written as digits, and where each of its characters came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]``."""
        return self.starts[start], self.ends[end - 1]


def rewrite_spoken(norm: str, runs: list[tuple[int, int, list[tuple[int, int, str]]]]) -> Rewritten:
    """Replace spoken digit runs by digits separated by spaces, like a transcript of spaced digits."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for run_start, run_end, tokens in runs:
        out.append(norm[last:run_start])
        starts.extend(range(last, run_start))
        ends.extend(range(last + 1, run_start + 1))
        if run_start and norm[run_start - 1].isdigit():
            # Keep "三4111..." from gluing the spoken digit onto the written number.
            out.append(" ")
            starts.append(run_start)
            ends.append(run_start)
        previous_end = run_start
        for index, (tok_start, tok_end, digits) in enumerate(tokens):
            if index:
                # The space stands for the gap between two spoken words.
                out.append(" ")
                starts.append(previous_end)
                ends.append(tok_start)
            out.append(digits)
            starts.extend([tok_start] * len(digits))
            ends.extend([tok_end] * len(digits))
            previous_end = tok_end
        if run_end < len(norm) and norm[run_end].isdigit():
            out.append(" ")
            starts.append(run_end)
            ends.append(run_end)
        last = run_end
    out.append(norm[last:])
    starts.extend(range(last, len(norm)))
    ends.extend(range(last + 1, len(norm) + 1))
    return Rewritten("".join(out), starts, ends)
