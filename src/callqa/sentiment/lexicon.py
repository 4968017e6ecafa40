"""Small hand-written, negation-aware lexicons: sentiment for zh / lt / fa, politeness markers for all four.

The embedding classifier sees meaning but is trained on a few hundred sentences; these lists add the
unambiguous words customers actually use (差评, افتضاح, nusivylęs) and flip them when negated (不满意,
خوب نبود, ne puiku). Terms ending in ``*`` match as prefixes (Lithuanian and Persian inflect); Chinese
terms match as substrings, longest first, so 不错 is found before the negator 不 is considered.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import callqa.sentiment.lexicon_terms as terms


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]
    weights: dict[str, float]
    prefixes: tuple[tuple[str, float], ...]
    negators_before: frozenset[str]
    negators_after: frozenset[str]
    cjk: bool


def _compile(weights: dict[str, float], before: str, after: str, cjk: bool) -> _Lexicon:
    exact = {t: w for t, w in weights.items() if not t.endswith("*")}
    prefixes = tuple(
        sorted(((t[:-1], w) for t, w in weights.items() if t.endswith("*")), key=lambda p: -len(p[0]))
    )
    alternatives = sorted([*exact, *(p + "*" for p, _ in prefixes)], key=len, reverse=True)
    parts = [re.escape(a[:-1]) + r"\w*" if a.endswith("*") else re.escape(a) for a in alternatives]
    body = "|".join(parts)
    pattern = f"(?:{body})" if cjk else rf"(?<!\w)(?:{body})(?!\w)"
    return _Lexicon(
        re.compile(pattern), exact, prefixes, frozenset(before.split()), frozenset(after.split()), cjk
    )


@functools.cache
def _lexicon(kind: str, language: str) -> _Lexicon | None:
    table = terms.SENTIMENT if kind == "sentiment" else terms.POLITENESS
    if language not in table:
        return None
    before, after = terms.NEGATORS.get(language, ("", "")) if kind == "sentiment" else ("", "")
    return _compile(table[language], before, after, cjk=language == "zh")


@functools.cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str, language: str) -> str:
    """Lower-case; traditional → simplified Chinese; Arabic → Persian letter forms, ZWNJ → space."""
    text = text.lower()
    if language == "zh":
        return str(_t2s().convert(text))  # type: ignore[attr-defined]
    if language == "fa":
        return text.translate(terms.PERSIAN_FORMS)
    return text


def _weight(lexicon: _Lexicon, match: str) -> float:
    if match in lexicon.weights:
        return lexicon.weights[match]
    for prefix, weight in lexicon.prefixes:
        if match.startswith(prefix):
            return weight
    return 0.0


def _negated(lexicon: _Lexicon, text: str, start: int, end: int) -> bool:
    if lexicon.cjk:
        # Negators sit just before the word, possibly after a degree adverb: 不太满意, 一点都不满意.
        window = text[max(0, start - 3) : start]
        return any(n in window for n in lexicon.negators_before)
    before = re.findall(r"\w+", text[:start])[-2:]
    after = re.findall(r"\w+", text[end:])[:2]
    return bool(lexicon.negators_before.intersection(before) or lexicon.negators_after.intersection(after))


def raw_score(text: str, language: str, kind: str = "sentiment") -> tuple[float, int]:
    """Sum of matched term weights (negated sentiment terms flipped) and the number of matches."""
    lexicon = _lexicon(kind, language)
    if lexicon is None or not text:
        return 0.0, 0
    folded = normalise(text, language)
    total, hits = 0.0, 0
    for match in lexicon.pattern.finditer(folded):
        weight = _weight(lexicon, match.group(0))
        if weight and kind == "sentiment" and _negated(lexicon, folded, match.start(), match.end()):
            # "not good" is clearly negative, "not bad" only mildly positive.
            weight = -weight if weight > 0 else -0.5 * weight
        total += weight
        hits += 1 if weight else 0
    return total, hits


def lexicon_score(text: str, language: str, kind: str = "sentiment") -> tuple[float, int]:
    """Raw score squashed into (-1, 1) like VADER's normalisation, and the number of matched terms."""
    total, hits = raw_score(text, language, kind)
    return total / math.sqrt(total * total + 4.0), hits
