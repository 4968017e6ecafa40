"""Phrase and regex detectors: language-aware, CJK-safe, evidence is the matched words."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, field_validator

from callqa.analysis.text import PhraseMatcher, RegexMatcher
from callqa.scoring.detectors.base import Context, Result, Scoped, clock, detectors, evidence_for

LANGUAGE_KEYS = frozenset({"en", "zh", "lt", "fa", "any"})


def _flatten(value: list[str] | dict[str, list[str]]) -> list[str]:
    if isinstance(value, list):
        return value
    return [p for phrases in value.values() for p in phrases]


def _check_languages(value: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
    if isinstance(value, dict):
        unknown = sorted(set(value) - LANGUAGE_KEYS)
        if unknown:
            raise ValueError(f"unknown language key(s) {unknown}; use {sorted(LANGUAGE_KEYS)}")
    if not _flatten(value):
        raise ValueError("at least one phrase is needed")
    return value


class _Matching:
    """Shared evaluation: every match in scope becomes evidence; ``min_count`` matches are needed."""

    matcher: PhraseMatcher | RegexMatcher
    min_count: int
    what: str

    def evaluate(self, ctx: Context) -> Result:
        evidence = []
        turns, find = ctx.analysis.turns, self.matcher.find
        for i in ctx.scope:
            for m in find(turns[i].text):
                evidence.append(evidence_for(ctx, i, m.start, m.end))
        if len(evidence) >= self.min_count:
            first = evidence[0]
            at = clock(first.start_ms)
            note = f"said “{first.text}”" + (f" at {at}" if at else f" in turn {first.turn + 1}")
            return Result(True, 0.9, tuple(evidence), note)
        if not ctx.scope:
            return Result(False, 0.6, (), f"no {self.what} turns in scope")
        return Result(False, 0.75, tuple(evidence), f"no {self.what} found")


@detectors.register("phrase")
class PhraseDetector(_Matching):
    """Any of the phrases (per language; ``*`` = short gap) said by the speaker within the window."""

    type_name: ClassVar[str] = "phrase"

    class Params(Scoped):
        phrases: list[str] | dict[str, list[str]]
        min_count: int = Field(1, ge=1)
        label: str = "matching phrase"

        _languages = field_validator("phrases")(classmethod(lambda cls, v: _check_languages(v)))

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        # All languages' phrases apply to every turn: code-switching and mis-tagged languages are common.
        self.matcher = PhraseMatcher(_flatten(params.phrases))
        self.min_count = params.min_count
        self.what = params.label

    def evaluate(self, ctx: Context) -> Result:
        return super().evaluate(ctx.narrow(self.params.speaker, self.params.within))


@detectors.register("regex")
class RegexDetector(_Matching):
    """Regular expressions over the folded text (lower case, simplified Chinese, no Latin accents)."""

    type_name: ClassVar[str] = "regex"

    class Params(Scoped):
        patterns: list[str] | dict[str, list[str]]
        min_count: int = Field(1, ge=1)
        label: str = "matching text"

        _languages = field_validator("patterns")(classmethod(lambda cls, v: _check_languages(v)))

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        patterns = _flatten(params.patterns)
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
        self.matcher = RegexMatcher(patterns)
        self.min_count = params.min_count
        self.what = params.label

    def evaluate(self, ctx: Context) -> Result:
        return super().evaluate(ctx.narrow(self.params.speaker, self.params.within))
