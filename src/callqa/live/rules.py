"""Loading live rules: YAML → validated spec → compiled matchers, with coded errors naming the rule."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from callqa.analysis.moments import MomentLibrary, load_library
from callqa.analysis.text import PhraseMatcher, RegexMatcher
from callqa.core.errors import CallqaError, ErrorCode
from callqa.live.spec import (
    ChecklistItemSpec,
    LiveRulesSpec,
    MomentWhen,
    OrderWhen,
    PhraseSource,
    RegexWhen,
    RuleSpec,
    SemanticWhen,
)
from callqa.scoring.loader import Scorecard, load_scorecard


def _fail(source: str, reason: str) -> CallqaError:
    return CallqaError(ErrorCode.V100, source=source, reason=reason)


def _phrases(value: list[str] | dict[str, list[str]]) -> list[str]:
    return list(value) if isinstance(value, list) else [p for items in value.values() for p in items]


def _customers(node: Any) -> bool:
    """Whether a detector tree listens to the customer somewhere (a phrase with ``speaker: customer``)."""
    if isinstance(node, Mapping):
        if node.get("type") == "phrase" and node.get("speaker") == "customer":
            return True
        return any(_customers(v) for k, v in node.items() if k != "phrases")
    return isinstance(node, list) and any(_customers(v) for v in node)


def _walk_phrases(node: Any) -> Iterator[str]:
    """Every phrase of the agent's phrase detectors inside a detector tree (``all``/``any``/``not``
    included). Live rules match the agent's words one by one: an ``all`` that needs the customer's words too
    (the caller's name and the agent asking the address) cannot be one phrase, so it is left out."""
    if isinstance(node, Mapping):
        if node.get("type") == "all" and _customers(node):
            return
        if node.get("type") == "phrase" and node.get("speaker") == "customer":
            return
        if node.get("type") == "phrase" and "phrases" in node:
            yield from (p for p in _phrases(node["phrases"]) if "{" not in p)
        for key, value in node.items():
            if key != "phrases":
                yield from _walk_phrases(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_phrases(item)


def criterion_phrases(card: Scorecard, reference: str) -> list[str]:
    """The phrases of a scorecard criterion (``id``) or of one part of it (``id.first``, ``id.then``)."""
    ident, _, part = reference.partition(".")
    for section in card.spec.sections:
        for criterion in section.criteria:
            if criterion.id != ident:
                continue
            node: Any = criterion.detector
            if part:
                if part not in node:
                    raise KeyError(f"criterion '{ident}' has no part '{part}'")
                node = node[part]
            found = list(dict.fromkeys(_walk_phrases(node)))
            if not found:
                raise KeyError(f"criterion '{reference}' has no phrases")
            return found
    raise KeyError(f"scorecard '{card.name}' has no criterion '{ident}'")


@dataclass(frozen=True)
class LiveRules:
    """The validated rules with their matchers compiled once (shared by every call)."""

    spec: LiveRulesSpec
    source: str
    matchers: Mapping[str, PhraseMatcher]  # by "rule id", "rule id.first"/".then", "checklist:item id"
    regexes: Mapping[str, RegexMatcher]
    library: MomentLibrary

    @property
    def rules(self) -> list[RuleSpec]:
        return self.spec.rules

    @property
    def checklist(self) -> list[ChecklistItemSpec]:
        return self.spec.checklist

    def semantic_rules(self) -> list[RuleSpec]:
        return [r for r in self.spec.rules if isinstance(r.when, SemanticWhen)]


def _source_matcher(source: PhraseSource, card: Scorecard | None, where: str, origin: str) -> PhraseMatcher:
    if source.phrases is not None:
        phrases = _phrases(source.phrases)
    else:
        assert source.criterion is not None
        if card is None:
            raise _fail(origin, f"{where}: 'criterion' needs a scorecard")
        try:
            phrases = criterion_phrases(card, source.criterion)
        except KeyError as exc:
            raise _fail(origin, f"{where}: {exc.args[0]}") from None
    try:
        return PhraseMatcher(phrases)
    except ValueError as exc:
        raise _fail(origin, f"{where}: {exc}") from None


def compile_rules(spec: LiveRulesSpec, source: str, *, library: MomentLibrary | None = None) -> LiveRules:
    """Compile the matchers; every problem names the rule."""
    library = library or load_library()
    card: Scorecard | None = None
    borrows = any(
        getattr(r.when, "criterion", None) or isinstance(r.when, OrderWhen) for r in spec.rules
    ) or any(c.criterion for c in spec.checklist)
    if borrows:
        try:
            card = load_scorecard(spec.scorecard)
        except CallqaError as exc:
            raise _fail(source, f"scorecard '{spec.scorecard}': {exc}") from None
    matchers: dict[str, PhraseMatcher] = {}
    regexes: dict[str, RegexMatcher] = {}
    for rule in spec.rules:
        where, when = f"rule '{rule.id}'", rule.when
        if isinstance(when, PhraseSource):  # phrase and deadline
            matchers[rule.id] = _source_matcher(when, card, where, source)
        elif isinstance(when, OrderWhen):
            matchers[f"{rule.id}.first"] = _source_matcher(when.first, card, f"{where} first", source)
            matchers[f"{rule.id}.then"] = _source_matcher(when.then, card, f"{where} then", source)
        elif isinstance(when, MomentWhen):
            try:
                matchers[rule.id] = library.matcher(when.kind)
            except KeyError as exc:
                raise _fail(source, f"{where}: {exc.args[0]}") from None
        elif isinstance(when, RegexWhen):
            try:
                regexes[rule.id] = RegexMatcher(when.patterns)
            except re.error as exc:
                raise _fail(source, f"{where}: bad pattern: {exc}") from None
    for item in spec.checklist:
        matchers[f"checklist:{item.id}"] = _source_matcher(item, card, f"checklist item '{item.id}'", source)
    return LiveRules(spec, source, matchers, regexes, library)


def parse_rules(text: str, source: str) -> LiveRules:
    """Rules from YAML text; errors say where (rule id, field) and why."""
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise _fail(source, f"invalid YAML: {exc}") from None
    try:
        spec = LiveRulesSpec.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] in ("rules", "checklist") and isinstance(loc[1], int):
            items = raw.get(loc[0]) or []
            if loc[1] < len(items) and isinstance(items[loc[1]], dict) and "id" in items[loc[1]]:
                where = f"{loc[0][:-1] if loc[0] == 'rules' else 'checklist item'} '{items[loc[1]]['id']}'"
                where += "".join(f".{p}" for p in loc[2:] if not str(p).endswith("When"))
        raise _fail(source, f"{where}: {err['msg']}") from None
    return compile_rules(spec, source)


def default_rules_path() -> Path:
    return Path(str(files("callqa.live") / "data" / "rules.yaml"))


@functools.cache
def load_rules(path: str | None = None) -> LiveRules:
    """The shipped rules, or a rules file (cached per path)."""
    file = Path(path) if path else default_rules_path()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(str(file), f"cannot read: {exc.strerror or exc}") from None
    return parse_rules(text, str(file))
