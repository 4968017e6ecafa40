"""Key moments: library phrases (escalation, cancellation, complaint, ...) plus long holds and silences.

The phrase library is YAML (``analysis/data/moments.yaml``); a centre can add or replace kinds with its own
file and name its competitors. Every language's phrases are tried on every turn: scripts rarely collide,
and customers switch language mid-call.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

import yaml

from callqa.analysis.base import Analysis, analyzers
from callqa.analysis.summary import sentence_spans
from callqa.analysis.text import PhraseMatcher
from callqa.core.annotations import Evidence, Gap, Moment, Timeline
from callqa.core.document import Interaction

# ISO 639-1 codes a library may use; a typo such as "cn" or "zh-Hans" is an error, not a silent no-op.
_ISO_639_1 = (
    "ar bg bn ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv ms nl no pl pt ro ru sk sl sr "
    "sv th tl tr uk ur vi zh"
)
KNOWN_LANGUAGES = frozenset(_ISO_639_1.split())
SPEAKERS = ("customer", "agent", "any")
_KIND_KEYS = frozenset({"description", "speaker", "phrases", "report", "extend"})
_MAX_QUOTE = 240


@dataclass(frozen=True)
class MomentKind:
    """One kind of key moment: whose turns to search and the phrases per language."""

    name: str
    phrases: Mapping[str, tuple[str, ...]]
    speaker: str = "customer"
    report: bool = True
    description: str = ""

    def all_phrases(self) -> tuple[str, ...]:
        """Every language's phrases, in library order."""
        return tuple(p for phrases in self.phrases.values() for p in phrases)


def _fail(source: str, kind: str | None, reason: str) -> ValueError:
    where = f"{source}: kind '{kind}'" if kind else source
    return ValueError(f"moment library {where}: {reason}")


def _parse_kind(name: str, raw: Any, source: str, base: MomentKind | None) -> MomentKind:
    if not isinstance(raw, Mapping):
        raise _fail(source, name, "must be a mapping with 'phrases'")
    unknown = set(raw) - _KIND_KEYS
    if unknown:
        raise _fail(source, name, f"unknown keys {sorted(unknown)}; allowed: {sorted(_KIND_KEYS)}")
    speaker = str(raw.get("speaker", base.speaker if base else "customer"))
    if speaker not in SPEAKERS:
        raise _fail(source, name, f"speaker '{speaker}' is not one of {', '.join(SPEAKERS)}")
    phrases_raw = raw.get("phrases")
    if not isinstance(phrases_raw, Mapping) or not phrases_raw:
        raise _fail(source, name, "'phrases' must map language codes to lists of phrases")
    extend = bool(raw.get("extend", False)) and base is not None
    phrases: dict[str, tuple[str, ...]] = dict(base.phrases) if extend and base else {}
    for language, items in phrases_raw.items():
        if language not in KNOWN_LANGUAGES:
            raise _fail(
                source, name, f"unknown language code '{language}' (use ISO 639-1: en, zh, lt, fa ...)"
            )
        if not isinstance(items, list) or not items:
            raise _fail(source, name, f"empty phrase list for '{language}'")
        if not all(isinstance(p, str) and p.strip(" *") for p in items):
            raise _fail(source, name, f"'{language}' has an empty or non-text phrase")
        phrases[language] = (*phrases.get(language, ()), *(p.strip() for p in items))
    return MomentKind(
        name=name,
        phrases=phrases,
        speaker=speaker,
        report=bool(raw.get("report", base.report if base else True)),
        description=str(raw.get("description", base.description if base else "")),
    )


@dataclass(frozen=True)
class MomentLibrary:
    """The moment kinds and competitor names; matchers are compiled on first use."""

    kinds: Mapping[str, MomentKind]
    competitors: tuple[str, ...] = ()
    _matchers: dict[str, PhraseMatcher] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str, source: str, base: MomentLibrary | None = None) -> MomentLibrary:
        """A library from YAML text; with ``base``, its kinds extend or replace the base's."""
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise _fail(source, None, f"invalid YAML: {exc}") from exc
        if not isinstance(raw, Mapping):
            raise _fail(source, None, "top level must be a mapping with 'kinds'")
        kinds_raw = raw.get("kinds") or {}
        if not isinstance(kinds_raw, Mapping):
            raise _fail(source, None, "'kinds' must map kind names to their phrases")
        competitors_raw = raw.get("competitors") or []
        if not isinstance(competitors_raw, list) or not all(isinstance(c, str) for c in competitors_raw):
            raise _fail(source, None, "'competitors' must be a list of names")
        kinds = dict(base.kinds) if base else {}
        for name, kind_raw in kinds_raw.items():
            kinds[str(name)] = _parse_kind(str(name), kind_raw, source, kinds.get(str(name)))
        competitors = (
            *(base.competitors if base else ()),
            *(c.strip() for c in competitors_raw if c.strip()),
        )
        return cls(kinds, tuple(dict.fromkeys(competitors)))

    def with_competitors(self, names: Iterable[str]) -> MomentLibrary:
        """The same library with more competitor names."""
        extra = [n.strip() for n in names if n.strip()]
        if not extra:
            return self
        return replace(self, competitors=tuple(dict.fromkeys((*self.competitors, *extra))), _matchers={})

    def reported(self) -> list[MomentKind]:
        """Kinds reported as moments (not helper kinds such as ``hold_request``)."""
        return [k for k in self.kinds.values() if k.report]

    def matcher(self, kind: str) -> PhraseMatcher:
        """The compiled matcher of a kind (competitor names join ``competitor_mention``)."""
        if kind not in self.kinds:
            raise KeyError(
                f"moment kind '{kind}' is not in the library; known: {', '.join(sorted(self.kinds))}"
            )
        if kind not in self._matchers:
            phrases = self.kinds[kind].all_phrases()
            if kind == "competitor_mention":
                phrases = (*phrases, *self.competitors)
            self._matchers[kind] = PhraseMatcher(phrases)
        return self._matchers[kind]


def _packaged_path() -> Path:
    return Path(str(files("callqa.analysis") / "data" / "moments.yaml"))


@functools.cache
def load_library(library_file: str | None = None) -> MomentLibrary:
    """The packaged library, merged with ``library_file`` when given (cached per file)."""
    packaged = _packaged_path()
    library = MomentLibrary.parse(packaged.read_text(encoding="utf-8"), str(packaged))
    if library_file is None:
        return library
    path = Path(library_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(str(path), None, f"cannot read: {exc}") from exc
    return MomentLibrary.parse(text, str(path), base=library)


def hold_phrases(kind: str = "hold_request", library_file: str | None = None) -> PhraseMatcher:
    """The matcher for ``hold_request`` or ``hold_return`` (agent phrases around a hold)."""
    return load_library(library_file).matcher(kind)


def quote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a match, so the evidence reads as a quote (a long one is windowed)."""
    left, right = next(((s, e) for s, e in sentence_spans(text) if s <= start < e), (start, end))
    right = max(right, end)
    if right - left > _MAX_QUOTE:
        left, right = max(left, start - _MAX_QUOTE // 2), min(right, end + _MAX_QUOTE // 2)
    return left, right


def phrase_moments(interaction: Interaction, library: MomentLibrary) -> list[Moment]:
    """At most one moment per kind and turn, from the kind's speaker's turns."""
    found: list[Moment] = []
    kinds = [(kind.name, kind.speaker, library.matcher(kind.name).find) for kind in library.reported()]
    for index, turn in enumerate(interaction.turns):
        for name, speaker, find in kinds:
            if speaker != "any" and turn.role != speaker:
                continue
            matches = find(turn.text)
            if not matches:
                continue
            first = matches[0]
            start, end = quote_span(turn.text, first.start, first.end)
            evidence = Evidence(index, turn.start_ms, turn.end_ms, turn.text[start:end], start, end)
            found.append(Moment(name, evidence, first.phrase))
    return found


def _gap_moment(kind: str, gap: Gap, what: str) -> Moment:
    evidence = Evidence(gap.after_turn or 0, gap.start_ms, gap.end_ms, f"{gap.seconds:.0f} s {what}")
    return Moment(kind, evidence, "")


def gap_moments(line: Timeline, *, long_hold_s: float, long_silence_s: float) -> list[Moment]:
    """Holds longer than ``long_hold_s`` and silences (holds excluded) longer than ``long_silence_s``."""
    holds = [_gap_moment("long_hold", g, "on hold") for g in line.holds if g.seconds > long_hold_s]
    silences = [
        _gap_moment("long_silence", g, "of silence") for g in line.silences if g.seconds > long_silence_s
    ]
    return holds + silences


@analyzers.register("callqa.moments.v1")
class MomentsAnalyzer:
    """Key moments from the phrase library (restricted to each kind's speaker) and the hold/silence timeline.

    Options: ``library_file`` (extra or replacement kinds), ``competitors`` (names), ``long_hold_s`` (120),
    ``long_silence_s`` (30).
    """

    name: ClassVar[str] = "callqa.moments.v1"
    requires: ClassVar[tuple[str, ...]] = ("interaction", "redacted", "metrics", "timeline")
    assigns: ClassVar[tuple[str, ...]] = ("moments",)

    def __init__(
        self,
        *,
        library_file: str | None = None,
        long_hold_s: float = 120.0,
        long_silence_s: float = 30.0,
        competitors: Sequence[str] = (),
    ) -> None:
        self.library = load_library(library_file).with_competitors(competitors)
        self.long_hold_s = long_hold_s
        self.long_silence_s = long_silence_s

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        phrases = phrase_moments(analysis.interaction, self.library)
        gaps = gap_moments(
            analysis.get("timeline"), long_hold_s=self.long_hold_s, long_silence_s=self.long_silence_s
        )
        # A gap follows its turn's words: (turn, 0 = words / 1 = gap after them, position).
        ordered = sorted(
            [((m.evidence.turn, 0, m.evidence.char_start), m) for m in phrases]
            + [((m.evidence.turn, 1, m.evidence.start_ms or 0), m) for m in gaps],
            key=lambda pair: pair[0],
        )
        return {"moments": [m for _, m in ordered]}
