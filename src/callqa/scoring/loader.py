"""Load and validate scorecards (built-in by name, or a YAML file), building every detector up front."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError, ErrorCode
from callqa.scoring.detectors import Detector, build_detector
from callqa.scoring.spec import CriterionSpec, ScorecardSpec

#: Where a scorecard's text came from: shipped with callqa, a YAML file, saved in the web editor, or a draft
#: made for a person to review (the store never scores with a draft; saving its text in the editor
#: publishes it).
Origin = Literal["builtin", "file", "editor", "draft"]


@dataclass(frozen=True)
class Criterion:
    spec: CriterionSpec
    section: str
    detector: Detector
    na_when: Detector | None
    applies_when: Detector | None


@dataclass(frozen=True)
class Scorecard:
    """A validated scorecard with built detectors; ``content_hash`` identifies this exact version."""

    spec: ScorecardSpec
    criteria: tuple[Criterion, ...]
    source_text: str
    content_hash: str
    origin: Origin = "file"

    @property
    def name(self) -> str:
        return self.spec.name


def builtin_names() -> list[str]:
    data = resources.files("callqa.scoring") / "data"
    return sorted(p.name.removesuffix(".yaml") for p in data.iterdir() if p.name.endswith(".yaml"))


def _where(exc: ValidationError, raw: Any) -> tuple[str, str]:
    err = exc.errors()[0]
    parts: list[str] = []
    node = raw
    for loc in err["loc"]:
        if isinstance(loc, int) and isinstance(node, list) and loc < len(node):
            node = node[loc]
            label = node.get("id") if isinstance(node, dict) else None
            parts[-1] = f"{parts[-1]}[{label or loc}]" if parts else f"[{loc}]"
        else:
            parts.append(str(loc))
            node = node.get(loc) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)", err["msg"]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.2 booleans: only true/false. Phrases like "yes", "no", "on" stay strings. (libyaml's parser
    where PyYAML has it: a scorecard parses in ~10 ms instead of ~90.)"""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_SLOT = re.compile(r"\{([a-z_]+)\}")


def expand_vocabulary(node: Any, vocabulary: dict[str, list[str]], path: str) -> Any:
    """Replace every string holding ``{name}`` by one string per vocabulary entry (inside lists)."""
    if isinstance(node, dict):
        return {k: expand_vocabulary(v, vocabulary, path) for k, v in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            names = _SLOT.findall(item) if isinstance(item, str) else []
            if not names:
                out.append(expand_vocabulary(item, vocabulary, path))
                continue
            expanded = [item]
            for name in names:
                if name not in vocabulary:
                    known = ", ".join(sorted(vocabulary)) or "none"
                    raise CallqaError(
                        ErrorCode.S103, path=path, reason=f"'{{{name}}}' is not in the vocabulary ({known})"
                    )
                expanded = [e.replace(f"{{{name}}}", word) for e in expanded for word in vocabulary[name]]
            out.extend(expanded)
        return out
    return node


@lru_cache(maxsize=64)
def scorecard_spec(text: str, origin: str) -> ScorecardSpec:
    """The validated spec of a scorecard's YAML without building its detectors (its pass mark, its
    criteria's channels): what a stored version says, cheaply."""
    return _spec(_mapping(text, origin), origin)


def _mapping(text: str, origin: str) -> dict[str, Any]:
    try:
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise CallqaError(
            ErrorCode.S100, path=origin, reason=f"{where}: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(raw, dict):
        raise CallqaError(
            ErrorCode.S100, path=origin, reason="a scorecard is a mapping with name, title, sections"
        )
    return raw


def _spec(raw: dict[str, Any], origin: str) -> ScorecardSpec:
    try:
        return ScorecardSpec.model_validate(raw)
    except ValidationError as exc:
        where, reason = _where(exc, raw)
        raise CallqaError(ErrorCode.S101, path=origin, where=where, reason=reason) from None


def parse_scorecard(
    text: str,
    origin: str,
    vocabulary: dict[str, list[str]] | None = None,
    *,
    kind: Origin = "file",
) -> Scorecard:
    """Validate YAML text into a scorecard; every problem is a coded error naming where it is.

    ``vocabulary`` (from the configuration) replaces the scorecard's own entries of the same name.
    """
    spec = _spec(_mapping(text, origin), origin)
    seen: dict[str, str] = {}
    criteria = []
    for section in spec.sections:
        for c in section.criteria:
            if c.id in seen:
                raise CallqaError(ErrorCode.S104, ident=c.id, first=seen[c.id], second=section.id)
            seen[c.id] = section.id
            base = f"{origin}: {section.id}.{c.id}"
            c = _expanded(c, {**spec.vocabulary, **(vocabulary or {})}, base)
            criteria.append(
                Criterion(
                    c,
                    section.id,
                    build_detector(c.detector, f"{base}.detector"),
                    build_detector(c.na_when, f"{base}.na_when") if c.na_when else None,
                    build_detector(c.applies_when, f"{base}.applies_when") if c.applies_when else None,
                )
            )
    overrides = json.dumps(vocabulary or {}, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{text}\n{overrides}".encode()).hexdigest()
    return Scorecard(spec, tuple(criteria), text, digest, kind)


def _expanded(c: CriterionSpec, vocabulary: dict[str, list[str]], base: str) -> CriterionSpec:
    update = {
        key: expand_vocabulary(getattr(c, key), vocabulary, f"{base}.{key}")
        for key in ("detector", "na_when", "applies_when")
        if getattr(c, key) is not None
    }
    return c.model_copy(update=update)


def is_file_reference(ref: str) -> bool:
    """Whether a scorecard reference is a YAML file (else a scorecard name)."""
    path = Path(ref)
    return path.suffix in (".yaml", ".yml") or path.exists()


def load_scorecard(
    name_or_path: str | Path | None = None, vocabulary: dict[str, list[str]] | None = None
) -> Scorecard:
    """A built-in scorecard by name (default ``standard``) or a YAML file by path."""
    ref = str(name_or_path or DEFAULT_SCORECARD)
    path = Path(ref)
    if is_file_reference(ref):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CallqaError(ErrorCode.S100, path=ref, reason=exc.strerror or str(exc)) from None
        return parse_scorecard(text, ref, vocabulary)
    if ref not in builtin_names():
        raise CallqaError(ErrorCode.S105, name=ref, known=", ".join(builtin_names()))
    text = (resources.files("callqa.scoring") / "data" / f"{ref}.yaml").read_text(encoding="utf-8")
    return parse_scorecard(text, f"{ref}.yaml", vocabulary, kind="builtin")
