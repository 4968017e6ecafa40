"""Find card numbers, CVVs, expiry dates, IBANs, e-mails, phones and national IDs in any transcript text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callqa.privacy.checksums import (
    cn_resident_id_valid,
    ir_national_code_valid,
    lt_personal_code_valid,
    luhn_valid,
    us_ssn_valid,
)
from callqa.privacy.context import PERSONAL_KEYWORDS, TURN_BREAK, Context
from callqa.privacy.digits import Run, digit_runs, normalise, rewrite_spoken, spoken_runs
from callqa.privacy.kinds import KINDS, OPTIONS, PLACEHOLDERS, RANK, Finding, Kind
from callqa.privacy.names import find_names, may_name
from callqa.privacy.patterns import (
    find_after_cards,
    find_cvvs,
    find_emails,
    find_expiries,
    find_ibans,
    find_phones,
)
from callqa.privacy.personal import find_addresses, find_births

__all__ = ["KINDS", "PLACEHOLDERS", "Finding", "Kind", "detect"]

# Cheapest possible gate: most turns have no digits and no '@', and then only spoken digits can matter.
# \d also matches Persian, Arabic-Indic and full-width digits.
_THREE_DIGITS_RE = re.compile(r"\d(?:\D*\d){2}")
# Issuer prefixes of the card schemes in use (Visa, Mastercard, Amex, Discover, UnionPay, JCB, Diners,
# Maestro, Mir, Shetab). Only loosely grouped numbers must have one; contiguous and 4-4-4-4 style
# numbers are accepted whatever they start with.
_CARD_FIRST_DIGITS = frozenset("23456")
_ID_LENGTHS = frozenset((9, 10, 11, 17, 18))
_INTERESTING_LENGTHS = _ID_LENGTHS | frozenset(range(13, 20))
# Digits a card number read out may come back as from speech recognition, after the number was asked for.
_SPOKEN_CARD_MIN, _SPOKEN_CARD_MAX = 12, 25


def _card_layout(lengths: list[int]) -> bool:
    """4-4-4-4 style (last group 1-4 digits), or the Amex/Diners 4-6-5 and 4-6-4 layouts."""
    if len(lengths) >= 4 and all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([4, 6, 5], [4, 6, 4])


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(slots=True)
class _Window:
    """Groups ``i..j`` of a digit run, with shape facts the validators need."""

    run: Run
    i: int
    j: int
    digits: str
    lengths: list[int]
    seps: list[str]
    spaced: bool  # every separator is whitespace

    @property
    def contiguous(self) -> bool:
        return self.i == self.j

    @property
    def spelled(self) -> bool:
        """Read out in small spaced chunks, as speech recognition writes digits."""
        return self.i != self.j and self.spaced and max(self.lengths) <= 4

    def laid_out(self, *lengths: int) -> bool:
        """Whether the groups have exactly these lengths, with one kind of separator throughout."""
        return tuple(self.lengths) == lengths and len(set(self.seps)) <= 1


def _national_id(ctx: Context, w: _Window) -> Finding | None:
    norm = ctx.text
    start, end = w.run.groups[w.i][0], w.run.groups[w.j][1]
    total = len(w.digits)
    if total == 17 and w.j == len(w.run.groups) - 1 and end < len(norm) and norm[end] in "Xx":
        # The PRC check character X closes the number; it is not a digit, so the run stopped before it.
        ok = w.contiguous or w.spelled or w.laid_out(6, 8, 3)
        return Finding("national_id", start, end + 1) if ok and cn_resident_id_valid(w.digits + "X") else None
    if total == 18:
        ok = w.contiguous or w.spelled or w.laid_out(6, 8, 4)
        return Finding("national_id", start, end) if ok and cn_resident_id_valid(w.digits) else None
    if total == 11:
        ok = w.contiguous or w.spelled
        return Finding("national_id", start, end) if ok and lt_personal_code_valid(w.digits) else None
    if total == 10:
        ok = w.contiguous or w.spelled or w.laid_out(3, 6, 1)
        return Finding("national_id", start, end) if ok and ir_national_code_valid(w.digits) else None
    if total == 9:
        dashed = w.laid_out(3, 2, 4) and w.seps[0] in ("-", " ")
        if not (dashed or ((w.contiguous or w.spelled) and ctx.before("ssn", start))):
            return None
        return Finding("national_id", start, end) if us_ssn_valid(w.digits) else None
    return None


def _card_then_more(block: str) -> bool:
    """A block of 20+ digits that reads as card number + expiry and/or CVV typed without spaces."""
    if block[0] not in _CARD_FIRST_DIGITS:
        return False
    for size in (15, 16, 19):
        rest = block[size:]
        cvv_only = 3 <= len(rest) <= 4
        with_expiry = len(rest) in (4, 6, 7, 8, 9, 10) and "01" <= rest[:2] <= "12"
        if (cvv_only or with_expiry) and luhn_valid(block[:size]):
            return True
    return False


def _is_card(w: _Window) -> bool:
    if w.contiguous or (len(set(w.seps)) == 1 and _card_layout(w.lengths)):
        return luhn_valid(w.digits)
    return w.spaced and w.digits[0] in _CARD_FIRST_DIGITS and luhn_valid(w.digits)


def _asked_card_number(ctx: Context, run: Run, digits: int) -> bool:
    """A long run right after the card number was asked for: a card number even if the checksum fails
    (speech recognition adds and drops digits of numbers read out)."""
    return _SPOKEN_CARD_MIN <= digits <= _SPOKEN_CARD_MAX and ctx.before("card", run.start)


def _digit_run_findings(ctx: Context) -> tuple[list[Finding], list[Finding]]:
    """Card numbers and national IDs, found by trying every group-aligned window of each digit run."""
    norm = ctx.text
    cards: list[Finding] = []
    ids: list[Finding] = []
    for run in digit_runs(norm, 9):
        # Windows starting right after a '+' are international phone numbers, not cards or IDs.
        first = 1 if run.start and norm[run.start - 1] == "+" else 0
        texts = [norm[s:e] for s, e in run.groups]
        sizes = [len(t) for t in texts]
        seps = [norm[run.groups[k][1] : run.groups[k + 1][0]] for k in range(len(texts) - 1)]
        # Prefix counts of non-whitespace separators make "is this window spaced?" O(1); long spaced
        # runs (tables, digits read out one by one) would otherwise cost quadratic time.
        marked = [0]
        for sep in seps:
            marked.append(marked[-1] + (not sep.isspace()))
        spans: list[tuple[int, int]] = []
        for i in range(first, len(texts)):
            total = 0
            for j in range(i, len(texts)):
                total += sizes[j]
                if total > 19:
                    break
                if total not in _INTERESTING_LENGTHS:
                    continue
                window = _Window(
                    run, i, j, "".join(texts[i : j + 1]), sizes[i : j + 1], seps[i:j], marked[j] == marked[i]
                )
                if total in _ID_LENGTHS:
                    found = _national_id(ctx, window)
                    if found is not None:
                        ids.append(found)
                if total >= 13 and _is_card(window):
                    spans.append((run.groups[i][0], run.groups[j][1]))
        for (start, end), text in zip(run.groups[first:], texts[first:], strict=True):
            if len(text) > 19 and _card_then_more(text):
                spans.append((start, end))
        if _asked_card_number(ctx, run, sum(sizes[first:])):
            spans.append((run.groups[first][0], run.end))
        cards.extend(Finding("card_number", s, e) for s, e in _merge(spans))
    return cards, ids


def resolve(findings: list[Finding]) -> list[Finding]:
    """Merge overlapping findings into one span named after the most specific kind among them."""
    if len(findings) < 2:
        return findings
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    result: list[Finding] = []
    cluster = [ordered[0]]
    end = ordered[0].end
    for finding in ordered[1:]:
        if finding.start < end:
            cluster.append(finding)
            end = max(end, finding.end)
            continue
        result.append(_cluster_finding(cluster, end))
        cluster = [finding]
        end = finding.end
    result.append(_cluster_finding(cluster, end))
    return result


def _cluster_finding(cluster: list[Finding], end: int) -> Finding:
    if len(cluster) == 1:
        return cluster[0]
    # A finding lying strictly inside a longer one is a reading of part of it (ten digits of a spaced card
    # number can pass an Iranian national-code checksum): the longer reading names the cluster.
    whole = [
        f
        for f in cluster
        if not any(
            o.start <= f.start and f.end <= o.end and o.end - o.start > f.end - f.start for o in cluster
        )
    ]
    best = max(whole, key=lambda f: (RANK[f.kind], f.end - f.start))
    # Never let a losing finding's non-overlapping part escape: the union is redacted.
    return Finding(best.kind, cluster[0].start, end)


def _detect_normalised(norm: str, lead: str) -> list[Finding]:
    ctx = Context(norm, lead)
    findings: list[Finding] = find_names(norm) if OPTIONS.person_names else []
    cards, ids = _digit_run_findings(ctx)
    findings += cards
    findings += ids
    ibans = find_ibans(norm)
    findings += ibans
    findings += find_emails(norm)
    findings += find_cvvs(ctx)
    findings += find_expiries(ctx)
    findings += find_after_cards(norm, cards)
    findings += find_births(ctx)
    findings += find_addresses(ctx)
    # Only checksum-validated findings fence phones off; keyword-based ones merge with them instead.
    findings += find_phones(ctx, [*cards, *ids, *ibans])
    return resolve(findings)


def asks_personal(text: str) -> bool:
    """Whether ``text`` has a date-of-birth or address keyword (they need no digits after them)."""
    return PERSONAL_KEYWORDS.search(text) is not None


def has_number_or_address(text: str) -> bool:
    """Three digits (written or spoken) or an ``@``: what every kind but dates of birth, addresses and
    names needs in the text itself."""
    return bool("@" in text or "＠" in text or _THREE_DIGITS_RE.search(text) is not None or spoken_runs(text))


def may_hold_sensitive(text: str, context: str = "") -> bool:
    """False when nothing in ``text`` can be found after ``context``: no three digits (written or spoken),
    no ``@``, and no date-of-birth or address keyword in it or in the turn before it."""
    if has_number_or_address(text) or asks_personal(text):
        return True
    if OPTIONS.person_names and may_name(text):
        return True
    previous = context.rsplit(TURN_BREAK, 1)[-1][-200:]
    return bool(previous) and asks_personal(previous)


def detect(text: str, *, context: str = "") -> list[Finding]:
    """Sensitive data in ``text``, sorted and non-overlapping; ``context`` is what was said just before."""
    if not may_hold_sensitive(text, context):
        return []
    return detect_unchecked(text, context=context)


def detect_unchecked(text: str, *, context: str = "") -> list[Finding]:
    """:func:`detect` without the test whether anything can be there (for callers that made it)."""
    norm = normalise(text)
    lead = normalise(context) if context else ""
    spoken = spoken_runs(text)
    if not spoken:
        return _detect_normalised(norm, lead)
    rewritten = rewrite_spoken(norm, spoken)
    findings = []
    for finding in _detect_normalised(rewritten.text, lead):
        start, end = rewritten.original_span(finding.start, finding.end)
        findings.append(Finding(finding.kind, start, end))
    return findings
