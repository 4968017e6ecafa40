"""Language of the interaction and of each turn, restricted to the languages a centre works in."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from callqa.analysis.base import Analysis, analyzers
from callqa.analysis.text import primary_language, to_simplified
from callqa.core.annotations import LanguageResult
from callqa.core.config import DEFAULT_LANGUAGES
from callqa.ml.embeddings import canonical

_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_LITHUANIAN_LETTERS = re.compile("[ąčęėįšųūžĄČĘĖĮŠŲŪŽ]")
_MIN_LATIN_LETTERS = 12


def chinese_script(text: str) -> str:
    """``zh-Hant`` when the Han characters change under traditional → simplified conversion."""
    han = "".join(_HAN.findall(text))
    return "zh-Hant" if han and to_simplified(han) != han else "zh-Hans"


@functools.cache
def _lingua(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()


_SEEN_LIMIT = 50_000


class LanguageIdentifier:
    """Script first (Han → Chinese, Arabic script → Persian), lingua between the Latin-script languages."""

    def __init__(self, languages: Sequence[str] = DEFAULT_LANGUAGES) -> None:
        self.languages = tuple(dict.fromkeys(primary_language(lang) for lang in languages))
        self._latin = tuple(lang for lang in self.languages if lang not in ("zh", "fa", "ar", "ja", "ko"))
        self._seen: dict[str, tuple[str | None, float]] = {}

    def identify(self, text: str) -> tuple[str | None, float]:
        """The language tag of a text and a confidence, or ``(None, 0)`` when it is too short to tell."""
        known = self._seen.get(text)
        if known is None:
            # Digits say nothing about the language, and amounts and dates make lines unique.
            key = canonical(text)
            known = self._seen.get(key)
            if known is None:
                known = self._identify(key)
            if len(self._seen) >= _SEEN_LIMIT:  # scripted sentences repeat; a bounded memo is enough
                self._seen.clear()
            self._seen[text] = self._seen[key] = known
        return known

    def _identify(self, text: str) -> tuple[str | None, float]:
        text = _PLACEHOLDER.sub(" ", text)
        han = len(_HAN.findall(text))
        arabic = len(_ARABIC_SCRIPT.findall(text))
        latin = len(_LATIN.findall(text))
        if han and "zh" in self.languages and han >= arabic and han * 2 >= latin:
            return chinese_script(text), min(1.0, 0.5 + han / 10)
        if arabic and "fa" in self.languages and arabic * 2 >= latin:
            return "fa", min(1.0, 0.5 + arabic / 20)
        if not self._latin or latin == 0:
            return None, 0.0
        if len(self._latin) == 1:
            return self._latin[0], 0.9 if latin >= _MIN_LATIN_LETTERS else 0.5
        if "lt" in self._latin and _LITHUANIAN_LETTERS.search(text):
            return "lt", 0.9
        if latin < _MIN_LATIN_LETTERS:
            return None, 0.0
        detector = _lingua(self._latin)
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None, 0.0
        best = values[0]
        return best.language.iso_code_639_1.name.lower(), float(best.value)


@analyzers.register("callqa.language.v1")
class LanguageAnalyzer:
    """Per-turn language by script and lingua; the interaction's is the declared one or the majority."""

    name: ClassVar[str] = "callqa.language.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction",)
    assigns: ClassVar[tuple[str, ...]] = ("language",)

    def __init__(self, languages: Sequence[str] = DEFAULT_LANGUAGES) -> None:
        self.identifier = LanguageIdentifier(languages)

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        per_turn: list[str | None] = []
        weights: dict[str, float] = {}
        for turn in analysis.turns:
            tag, confidence = self.identifier.identify(turn.text)
            per_turn.append(tag)
            if tag:
                weights[tag] = weights.get(tag, 0.0) + confidence * len(turn.text)
        declared = analysis.interaction.language
        total = sum(weights.values())
        if weights:
            detected, weight = max(weights.items(), key=lambda kv: kv[1])
            confidence = weight / total
        else:
            detected, confidence = "", 0.0
        language = detected or (declared or "")
        if declared and (not detected or primary_language(declared) == primary_language(detected)):
            # Keep the declared tag (it may carry a region or script) unless the text says otherwise.
            language = declared if primary_language(declared) != "zh" or not detected else detected
            confidence = max(confidence, 0.9)
        return {"language": LanguageResult(language, confidence, tuple(per_turn), declared)}
