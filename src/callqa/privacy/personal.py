"""Dates of birth and postal addresses: found only where a keyword (or the question just before) says so.

A date or a street name on its own is no secret ("the 12 June payment", "our Baker Street branch"); after
"date of birth", "出生日期", "gimimo data", "تاریخ تولد", "address", "地址", "adresas" or "آدرس" — in the
same turn or as the other party's question — it is. Spoken years ("nineteen eighty-four") and dates in
Chinese numerals are not recognised (docs/privacy.md).
"""

from __future__ import annotations

import re

from callqa.privacy.context import Context
from callqa.privacy.kinds import Finding

# --- dates of birth -----------------------------------------------------------------------------------

_BIRTH_WINDOW = 40
_EN_MONTHS = (
    r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?"
    r"|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?"
)
_LT_MONTHS = (
    r"saus(?:io|is)|vasar(?:io|is)|kov(?:o|as)|baland(?:žio|is)|gegužės|gegužė|birželi(?:o|s)"
    r"|liepos|liepa|rugpjū(?:čio|tis)|rugsėj(?:o|is)|spali(?:o|s)|lapkri(?:čio|tis)|gruodži(?:o|s)|gruodis"
)
_FA_MONTHS = "فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند"
_MONTH = f"(?:{_EN_MONTHS}|{_LT_MONTHS}|{_FA_MONTHS})"
_DAY = r"[0-3]?[0-9](?:st|nd|rd|th|-?(?:oji|ąją|d\.?))?"
_SEP = r" ?[./\-] ?"
_DATE_RE = re.compile(
    rf"(?<![0-9])(?:"
    rf"[0-9]{{1,4}}{_SEP}[0-9]{{1,2}}{_SEP}[0-9]{{1,4}}"  # 12/06/1984, 1984-06-12, ۱۳۶۳/۰۳/۲۲
    rf"|[0-9]{{2,4}} ?年 ?[0-9]{{1,2}} ?月(?: ?[0-9]{{1,2}} ?[日号號]?)?"  # 1984年6月12日
    rf"|(?:the )?{_DAY}(?: of)? {_MONTH},? [0-9]{{2,4}}"  # 12 June 1984, the 12th of June, 1984
    rf"|{_MONTH} (?:{_DAY}[.,]? )?[0-9]{{4}}"  # June 12, 1984 / June 1984
    rf"|[0-9]{{4}}(?: m\.)? {_MONTH}(?: (?:mėn\. )?{_DAY}(?: d\.)?)?"  # 1984 m. birželio 12 d.
    rf")(?![0-9])",
    re.IGNORECASE,
)


def find_births(ctx: Context) -> list[Finding]:
    """Dates that follow a date-of-birth keyword closely, or answer a question asking for one."""
    found: list[Finding] = []
    for position in ctx.keyword_ends("birth"):
        match = _DATE_RE.search(ctx.text, position, position + _BIRTH_WINDOW + 40)
        if match is None or match.start() - position > _BIRTH_WINDOW:
            continue
        if "[" in ctx.text[position : match.start()]:
            continue  # the keyword's date was redacted already
        found.append(Finding("date_of_birth", match.start(), match.end()))
    return found


# --- postal addresses --------------------------------------------------------------------------------

_ADDRESS_MAX = 100
# What may stand between the keyword and the address itself (a Chinese comma ends the clause instead:
# "寄到您的账单地址，大概5到7个工作日" names no address).
_LEAD_IN_RE = re.compile(
    r"[\s:：,،]*(?:(?:is|it's|it is|that's|yes|sure|ok(?:ay)?|yra|tai|در|هست|است)[\s:：,،]+"
    r"|[是为為][\s:：]*)*",
    re.IGNORECASE,
)
# Where an address ends: a question or exclamation, a full stop (unless it closes an abbreviation such as
# "St." or "pr."), a Chinese comma or full stop, a new line.
_ABBREVIATIONS = frozenset(
    [
        "st",
        "rd",
        "ave",
        "blvd",
        "ln",
        "ct",
        "sq",
        "pl",
        "apt",
        "no",
        "nr",
        "mr",
        "mrs",
        "ms",
        "dr",
        "pr",
        "g",
        "al",
        "kv",
        "m",
        "d",
        "mėn",
        "str",
        "bt",
    ]
)
_END_RE = re.compile(r"[?!。？！\n；;，]|\.(?=\s|$)")
_LAST_WORD_RE = re.compile(r"([^\W\d_]+)$")
# A house number and a capitalised street name, found inside a clause that starts with a function word
# ("change my address to 13409 Ridgeville Rd").
_NUMBER_AND_NAME_RE = re.compile(r"(?<![0-9])[0-9]{1,6}[A-Za-z]?,? (?=[A-Z])")


def _clause_end(text: str, start: int, stop: int) -> int | None:
    for match in _END_RE.finditer(text, start, stop):
        if match.group() == ".":
            word = _LAST_WORD_RE.search(text, max(start, match.start() - 12), match.start())
            if word is not None and word.group(1).lower() in _ABBREVIATIONS:
                continue
        return match.start()
    return None


_STREET_RE = re.compile(
    r"(?<![^\W\d_])(?:street|st\.|road|rd\.?|avenue|ave\.?|lane|drive|boulevard|blvd|way|close|court|square"
    r"|place|gatvė|gatvės|g\.|prospektas|pr\.|alėja|al\.|kelias|skersgatvis|flat|apartment|apt\.?|butas"
    r"|خیابان|کوچه|پلاک|بلوار|میدان|محله|طبقه|واحد)(?![^\W\d_])"
    r"|[路街道巷弄号號区區市省村镇鎮楼樓室]",
    re.IGNORECASE,
)


# An address does not start with a function word: "posted to your home address and should arrive in 3 to 5
# days" names no address.
_NOT_AN_ADDRESS = frozenset(
    [
        "and",
        "or",
        "but",
        "on",
        "in",
        "at",
        "to",
        "for",
        "we",
        "you",
        "is",
        "are",
        "has",
        "have",
        "had",
        "that",
        "which",
        "will",
        "would",
        "should",
        "could",
        "can",
        "of",
        "from",
        "with",
        "as",
        "so",
        "if",
        "then",
        "when",
        "where",
        "please",
        "not",
        "no",
        "was",
        "were",
        "be",
        "been",
        "it",
        "this",
        "there",
        "here",
        "by",
        "via",
        "again",
        "too",
        "also",
        "ir",
        "arba",
        "bet",
        "į",
        "iš",
        "su",
        "ant",
        "kad",
        "ar",
        "nėra",
        "jau",
        "dar",
    ]
)
_FIRST_WORD_RE = re.compile(r"[^\W_]+")


def _starts_an_address(span: str) -> bool:
    first = _FIRST_WORD_RE.match(span)
    return first is None or first.group().lower() not in _NOT_AN_ADDRESS


def find_addresses(ctx: Context) -> list[Finding]:
    """The clause after an address or postcode keyword (or answering a question asking for one), when
    it holds a number or a street word: redacted up to where the clause ends (at most 100 characters)."""
    found: list[Finding] = []
    text = ctx.text
    for position in ctx.keyword_ends("address"):
        lead_in = _LEAD_IN_RE.match(text, position)
        start = lead_in.end() if lead_in else position
        stop = min(len(text), start + _ADDRESS_MAX)
        end = _clause_end(text, start, stop)
        if end is None:
            end = stop
            if end < len(text) and not text[end].isspace():
                end = max(text.rfind(" ", start, end), start)  # never cut a word in two
        if not _starts_an_address(text[start:end]):
            # "my address is on 3826 Blake Road": the address starts at its house number, if it has one
            number = _NUMBER_AND_NAME_RE.search(text, start, end)
            if number is None:
                continue
            start = number.start()
        span = text[start:end].rstrip(" ,.،:")
        if not span or "[" in span:
            continue
        if not (any(c.isdigit() for c in span) or _STREET_RE.search(span)):
            continue
        found.append(Finding("postal_address", start, start + len(span)))
    return found
