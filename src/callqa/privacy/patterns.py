"""Detectors for IBANs, e-mail addresses, phone numbers, CVVs and card expiry dates on normalised text."""

from __future__ import annotations

import re
from bisect import bisect_left

from callqa.privacy.checksums import IBAN_LENGTHS, iban_valid
from callqa.privacy.context import WINDOW, Context
from callqa.privacy.kinds import Finding

# --- IBAN -------------------------------------------------------------------------------------------

# Country letters may be lower case in chat; the check digits and the length table decide.
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){11,32}")


def _iban_at(norm: str, start: int, end: int) -> Finding | None:
    chars: list[str] = []
    ends: list[int] = []
    for index in range(start, end):
        if norm[index].isalnum():
            chars.append(norm[index])
            ends.append(index + 1)
    country = norm[start : start + 2]
    length = IBAN_LENGTHS.get(country.upper())
    if length is not None:
        if len(chars) < length or not iban_valid("".join(chars[:length])):
            return None
        stop = ends[length - 1]
        # A digit glued to the end means the number is longer than this country's IBANs.
        if stop < len(norm) and norm[stop].isdigit():
            return None
        return Finding("iban", start, stop)
    if not country.isupper():
        return None
    # Unknown country: accept the longest candidate that ends at a group boundary and passes mod-97.
    for count in range(min(len(chars), 34), 14, -1):
        stop = ends[count - 1]
        at_boundary = stop == end or norm[stop] in " -"
        if at_boundary and iban_valid("".join(chars[:count])):
            return Finding("iban", start, stop)
    return None


def find_ibans(norm: str) -> list[Finding]:
    """IBANs (any country, compact or in groups) whose mod-97 check passes."""
    found: list[Finding] = []
    position = 0
    while (match := _IBAN_RE.search(norm, position)) is not None:
        finding = _iban_at(norm, match.start(), match.end())
        if finding is None:
            # Retry just after the start: a valid IBAN can begin inside a failed candidate's span.
            position = match.start() + 1
        else:
            found.append(finding)
            position = finding.end
    return found


# --- e-mail -----------------------------------------------------------------------------------------

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
# ASCII-only classes, so an address ends where CJK or Persian text starts ("邮箱a@b.cn谢谢"); a digit
# may follow the top-level domain directly, as when a number is typed right after the address.
_EMAIL_RE = re.compile(
    rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,24}}(?![A-Za-z\-])"
)


def find_emails(norm: str) -> list[Finding]:
    """E-mail addresses with an ASCII local part and domain."""
    if "@" not in norm:
        return []
    return [Finding("email", m.start(), m.end()) for m in _EMAIL_RE.finditer(norm)]


# --- phone ------------------------------------------------------------------------------------------

_PHONE_RE = re.compile(
    r"(?:(?<![A-Za-z])\+ ?|(?<![0-9A-Za-z]))\(?[0-9]+\)?(?:(?:[ \-.]{1,2}\(?|\(|(?<=\)))[0-9]+\)?)*+"
)
_DIGITS_RE = re.compile(r"[0-9]+")
_CN_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_NANP_RE = re.compile(r"1?[2-9][0-9]{2}[2-9][0-9]{6}")
_LT_NATIONAL_RE = re.compile(r"8[3-9][0-9]{7}|3706[0-9]{7}")
# Total digit counts (country code included) for the countries callqa's users mostly call, so an
# international number stops where it ends instead of swallowing the next number in the sentence.
_INTERNATIONAL_LENGTHS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("370", (11,)),
    ("86", (12, 13)),
    ("98", (12,)),
    ("44", (11, 12)),
    ("1", (11,)),
    ("7", (11,)),
)


def _international_score(digits: str) -> int:
    for code, lengths in _INTERNATIONAL_LENGTHS:
        if digits.startswith(code):
            return 6 if len(digits) in lengths else 0
    return 4 if 8 <= len(digits) <= 15 and digits[0] != "0" else 0


def _phone_score(digits: str, plus: bool, lengths: list[int], parens: bool, keyword: bool) -> int:
    """How specific the rule is that makes ``digits`` a phone number; 0 when none does."""
    count = len(digits)
    if plus:
        return _international_score(digits)
    if digits.startswith("00"):
        return _international_score(digits[2:]) if digits[2:3] != "0" else 0
    if count < 7 or count > 15:
        return 0
    if count == 11 and (_CN_MOBILE_RE.fullmatch(digits) or digits.startswith("09")):
        return 5  # Chinese and Iranian mobiles
    if _NANP_RE.fullmatch(digits) and (parens or lengths[-3:] == [3, 3, 4]):
        return 5
    if _LT_NATIONAL_RE.fullmatch(digits):
        return 3
    if count == 11 and digits[0] == "0":
        return 3  # Iranian and other landlines, UK mobiles: 11 digits with the trunk 0
    if count in (10, 12) and digits[0] == "0" and digits[1] != "0" and len(lengths) > 1:
        return 2  # trunk-prefixed national numbers written in groups (030 1234567, 010-12345678)
    return 1 if keyword else 0


def _free_segments(
    groups: list[tuple[int, int]], taken: list[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """Consecutive groups that do not touch an existing finding; a phone may not straddle one."""
    segments: list[list[tuple[int, int]]] = [[]]
    for start, end in groups:
        # ``taken`` is sorted and non-overlapping: only the last span starting before ``end`` can touch.
        index = bisect_left(taken, (end, -1)) - 1
        if index >= 0 and taken[index][1] > start:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((start, end))
    return [segment for segment in segments if segment]


_REFERENCE_WINDOW = 24


def _union(findings: list[Finding]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted((f.start, f.end) for f in findings):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _phone_windows(ctx: Context, groups: list[tuple[int, int]], plus_at: int | None) -> list[Finding]:
    norm = ctx.text
    texts = [norm[s:e] for s, e in groups]
    candidates: list[tuple[int, int, int, int]] = []  # (score, digit count, start, end)
    # A '+' before the first group is read both ways: "+ 0912..." is a stray sign, not a country code.
    starts = [(0, True)] if plus_at is not None else []
    starts += [(i, False) for i in range(len(groups))]
    for i, has_plus in starts:
        opened = groups[i][0] > 0 and norm[groups[i][0] - 1] == "("
        start = plus_at if has_plus and plus_at is not None else groups[i][0] - opened
        keyword = ctx.before("phone", start)
        # "order 13812345678" is an order number unless a phone word says otherwise.
        reference = not has_plus and not keyword and ctx.introduces("reference", start, _REFERENCE_WINDOW)
        total = 0
        for j in range(i, len(groups)):
            total += len(texts[j])
            if total > 17:
                break
            if total < 7:
                continue
            end = groups[j][1]
            if end < len(norm) and norm[end] == ")" and "(" in norm[start:end]:
                end += 1
            if norm.find("(", start, end) + norm.find(")", start, end) > -2 and not _balanced(
                norm[start:end]
            ):
                continue
            lengths = [len(t) for t in texts[i : j + 1]]
            score = _phone_score("".join(texts[i : j + 1]), has_plus, lengths, opened, keyword)
            if score and not (reference and not texts[i].startswith("00")):
                candidates.append((score, total, start, end))
    # The most specific reading wins, then the longest; the rest may only fill the gaps.
    chosen: list[Finding] = []
    for _score, _total, start, end in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
        if all(end <= f.start or start >= f.end for f in chosen):
            chosen.append(Finding("phone", start, end))
    return chosen


def find_phones(ctx: Context, taken: list[Finding]) -> list[Finding]:
    """Phone numbers: international, national CN/LT/IR/US formats, or 7+ digits after a phone keyword."""
    norm = ctx.text
    found: list[Finding] = []
    fenced = _union(taken)
    for match in _PHONE_RE.finditer(norm):
        if match.end() - match.start() < 7:
            continue
        groups = [g.span() for g in _DIGITS_RE.finditer(norm, match.start(), match.end())]
        plus_at = match.start() if norm[match.start()] == "+" else None
        for segment in _free_segments(groups, fenced):
            if sum(e - s for s, e in segment) < 7:
                continue
            found.extend(_phone_windows(ctx, segment, plus_at if segment[0] == groups[0] else None))
    return found


# --- CVV and expiry ---------------------------------------------------------------------------------

# 3-4 digits, possibly spaced ("1 2 3"), that are not the tail of a longer spaced number, a time,
# a date or an amount; a digit glued to a word ("CVV2 456") does not count as a number before it.
# What follows after a space is not checked: "CVV 123 4111..." is a code then a card, and when a
# longer number follows instead, redacting its first digits too is the safe mistake.
_CVV_RE = re.compile(
    r"(?=[0-9])(?<![0-9+])(?<!\+ )(?<!(?<![A-Za-z])[0-9][ /:.,\-])"
    r"(?:[0-9]{3,4}|[0-9](?: [0-9]){2,3})(?![0-9])(?![/:.,\-][0-9])"
)
# After a card number and its expiry nothing else is expected, so the lone number is taken as is.
_CVV_AFTER_EXPIRY_RE = re.compile(r"(?<![0-9])[0-9]{3,4}(?![0-9])(?![/:.,\-][0-9])")
_MONTH = r"(?:0?[1-9]|1[0-2])"
# MM/YY, MM/YYYY, YYYY/MM (Gregorian 20xx or Solar Hijri 14xx), YY年MM月 and, after a keyword, MMYY.
_EXPIRY_RE = re.compile(
    rf"(?<![0-9])(?<![0-9][/.\-])(?:"
    rf"{_MONTH} ?[/\-.] ?(?:20|14)?[0-9]{{2}}"
    rf"|(?:20|14)[0-9]{{2}} ?[/\-.] ?{_MONTH}"
    rf"|(?:20|14)?[0-9]{{2}} ?年 ?{_MONTH} ?月?"
    rf"|(?:0[1-9]|1[0-2])(?:20)?[0-9]{{2}}"
    rf")(?![0-9])(?![/.\-][0-9])"
)
_EXPIRY_WINDOW = 32
_CHAIN_GAP = 16
_HAS_DIGIT_RE = re.compile(r"[0-9]")


def _first_after(pattern: re.Pattern[str], norm: str, position: int, window: int) -> re.Match[str] | None:
    # Bounded search, or a text with many keywords and no numbers would be scanned once per keyword.
    # The slack covers the longest value plus the characters its look-aheads inspect.
    match = pattern.search(norm, position, position + window + 32)
    if match is None or match.start() - position > window:
        return None
    # A placeholder in between means the keyword's value was already redacted ("CVV [CVV] 777").
    if "[" in norm[position : match.start()]:
        return None
    return match


def find_cvvs(ctx: Context) -> list[Finding]:
    """3-4 digit codes that follow a CVV keyword (or a previous turn asking for one) closely."""
    found: list[Finding] = []
    for position in ctx.keyword_ends("cvv"):
        match = _first_after(_CVV_RE, ctx.text, position, WINDOW)
        if match is not None:
            found.append(Finding("cvv", match.start(), match.end()))
    return found


def find_expiries(ctx: Context) -> list[Finding]:
    """Card expiry dates that follow an expiry keyword (or a previous turn asking for one) closely."""
    found: list[Finding] = []
    for position in ctx.keyword_ends("expiry"):
        match = _first_after(_EXPIRY_RE, ctx.text, position, _EXPIRY_WINDOW)
        if match is not None:
            found.append(Finding("card_expiry", match.start(), match.end()))
    return found


def find_after_cards(norm: str, cards: list[Finding]) -> list[Finding]:
    """An expiry date right after a card number, and a 3-4 digit code right after that expiry."""
    found: list[Finding] = []
    for card in cards:
        expiry = _first_after(_EXPIRY_RE, norm, card.end, _CHAIN_GAP)
        if expiry is None or _HAS_DIGIT_RE.search(norm, card.end, expiry.start()):
            continue
        found.append(Finding("card_expiry", expiry.start(), expiry.end()))
        code = _first_after(_CVV_AFTER_EXPIRY_RE, norm, expiry.end(), _CHAIN_GAP)
        if code is not None and not _HAS_DIGIT_RE.search(norm, expiry.end(), code.start()):
            found.append(Finding("cvv", code.start(), code.end()))
    return found
