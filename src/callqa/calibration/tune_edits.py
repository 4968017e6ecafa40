"""Changes to one criterion learnt from labelled interactions, kept only when they agree with more labels.

Three kinds of change, tried in rounds (greedy, one change per round, at most ``MAX_ROUNDS``):

* a ``semantic`` detector's threshold for one language, from a grid (0.80 … 0.97);
* words a reviewer quoted in the reason of a change (“…”, "…", «…», 「…」) that are in the transcript, added
  as a phrase of a ``phrase`` detector or an example of a ``semantic`` one;
* the sentence the AI took as evidence where people disagreed, added as a counter-example of a ``semantic``
  detector.

A change is kept only when it makes strictly more labels agree; among equals a threshold move beats an added
phrase, and the threshold is the middle of the values that agree as well (the widest margin).
Everything is evaluated by the real scoring engine on the stored interactions, analysed once (:class:`Bench`).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from callqa.analysis.base import Analysis
from callqa.scoring.detectors import Services
from callqa.scoring.detectors.base import Context
from callqa.scoring.engine import CriterionResult, evaluate_criterion
from callqa.scoring.loader import parse_scorecard
from callqa.scoring.yaml_edit import set_value

THRESHOLD_GRID = tuple(round(0.80 + 0.01 * i, 2) for i in range(18))
MAX_ROUNDS = 6
# An added phrase or example costs more than any threshold move: at equal agreement the threshold is the
# simpler change and generalises to sentences nobody has reviewed yet.
ADD_COST = 1.0
MAX_EVIDENCE = 2  # evidence sentences per disagreement offered as counter-examples
_QUOTE = re.compile(r"“([^”]{2,200})”|\"([^\"]{2,200})\"|«([^»]{2,200})»|「([^」]{2,200})」|„([^“]{2,200})“")
_TRIM = " \t.,;:!?。，！？؟،"

Key = str | int


@dataclass(frozen=True)
class Label:
    """What a person decided for one criterion of one interaction, with the words they quoted."""

    interaction_id: int
    criterion: str
    human: str
    language: str
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edit:
    """One change of the scorecard text: the value at ``path`` becomes ``value``."""

    path: tuple[Key, ...]
    value: Any
    note: str
    threshold: tuple[str, float] | None = None  # (language, value) of a threshold change

    def as_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "value": self.value, "note": self.note}


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    for edit in edits:
        text = set_value(text, edit.path, edit.value)
    return text


def quotes_in(reason: str, analysis: Analysis) -> tuple[str, ...]:
    """The words quoted in a reviewer's reason that appear in the (redacted) transcript."""
    found = []
    spoken = [t.text.lower() for t in analysis.turns]
    for match in _QUOTE.finditer(reason or ""):
        quote = next(g for g in match.groups() if g).strip(_TRIM)
        if len(quote) >= 2 and any(quote.lower() in text for text in spoken):
            found.append(quote)
    return tuple(dict.fromkeys(found))


class Bench:
    """The labelled interactions, analysed once; outcomes of one criterion under a scorecard text."""

    def __init__(
        self, analyses: dict[int, Analysis], services: Services, vocabulary: dict[str, list[str]] | None
    ) -> None:
        self.analyses = analyses
        self.services = services
        self.vocabulary = vocabulary
        self._memo: OrderedDict[tuple[str, str], dict[int, CriterionResult]] = OrderedDict()

    def results(self, text: str, criterion: str, ids: Sequence[int]) -> dict[int, CriterionResult]:
        key = (hashlib.sha256(text.encode()).hexdigest(), criterion)
        known = self._memo.setdefault(key, {})
        self._memo.move_to_end(key)
        missing = [i for i in ids if i not in known]
        if missing:
            card = parse_scorecard(text, "tune", self.vocabulary, kind="editor")
            built = next(c for c in card.criteria if c.spec.id == criterion)
            for i in missing:
                known[i] = evaluate_criterion(built, Context.full(self.analyses[i], self.services))
        while len(self._memo) > 512:
            self._memo.popitem(last=False)
        return {i: known[i] for i in ids}

    def agreed(self, text: str, criterion: str, labels: Sequence[Label]) -> int:
        found = self.results(text, criterion, [x.interaction_id for x in labels])
        return sum(found[x.interaction_id].outcome == x.human for x in labels)


def criterion_path(raw: dict[str, Any], criterion: str) -> tuple[Key, ...]:
    for s, section in enumerate(raw.get("sections") or []):
        for c, item in enumerate(section.get("criteria") or []):
            if item.get("id") == criterion:
                return ("sections", s, "criteria", c)
    raise KeyError(criterion)


def leaves(node: Any, path: tuple[Key, ...]) -> Iterator[tuple[tuple[Key, ...], dict[str, Any]]]:
    """Every ``semantic`` and ``phrase`` detector under ``node`` with its path."""
    if isinstance(node, dict):
        if node.get("type") in ("semantic", "phrase"):
            yield path, node
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, i))


def _added(node: dict[str, Any], field: str, language: str, text: str) -> tuple[Key, ...] | None:
    """Where to write ``text`` into the node's phrase/example list for ``language`` (None: already there)."""
    current = node.get(field) or []
    if isinstance(current, dict):
        if text in (current.get(language) or []):
            return None
        return (field, language)
    return None if text in current else (field,)


def _add(path: tuple[Key, ...], node: dict[str, Any], field: str, language: str, text: str) -> Edit | None:
    where = _added(node, field, language, text)
    if where is None:
        return None
    current = node.get(field) or []
    value = [*(current.get(language) or []), text] if isinstance(current, dict) else [*current, text]
    kind = {"phrases": "phrase", "examples": "example", "counter_examples": "counter-example"}[field]
    return Edit((*path, *where), value, f"{kind} added ({language}): “{text}”")


def _thresholds(path: tuple[Key, ...], node: dict[str, Any], language: str) -> Iterator[tuple[float, Edit]]:
    own = dict(node.get("thresholds") or {})
    now = float(own.get(language, node.get("threshold", 0.88)))
    for t in THRESHOLD_GRID:
        if abs(t - now) > 1e-9:
            note = f"threshold ({language}) {now:.2f} → {t:.2f}"
            yield abs(t - now), Edit((*path, "thresholds"), {**own, language: t}, note, (language, t))


def candidates(
    text: str, criterion: str, labels: Sequence[Label], current: dict[int, CriterionResult]
) -> Iterator[tuple[float, Edit]]:
    """(cost, edit) for every change worth trying now; the cost breaks ties (smaller moves first)."""
    raw = yaml.safe_load(text)
    base = (*criterion_path(raw, criterion), "detector")
    found = list(leaves(raw, ()))
    mine = [(p, n) for p, n in found if p[: len(base)] == base]
    languages = sorted({x.language for x in labels if x.language})
    wrong = [x for x in labels if current[x.interaction_id].outcome != x.human]
    for path, node in mine:
        if node["type"] == "semantic":
            for language in languages:
                yield from _thresholds(path, node, language)
    for x in wrong:
        for quote in x.quotes:
            for path, node in mine:
                field = "phrases" if node["type"] == "phrase" else "examples"
                edit = _add(path, node, field, x.language, quote if field == "examples" else quote.lower())
                if edit is not None:
                    yield ADD_COST, edit
        for evidence in current[x.interaction_id].evidence[:MAX_EVIDENCE]:
            for path, node in mine:
                if node["type"] == "semantic":
                    edit = _add(path, node, "counter_examples", x.language, evidence.text.strip())
                    if edit is not None:
                        yield ADD_COST, edit


def _middle(chosen: Edit, equals: Sequence[Edit]) -> Edit:
    """For a threshold, the middle of the unbroken run of grid values that agree as well as the chosen one:
    the widest margin on both sides, so a small shift of similarities (another CPU) changes nothing."""
    if chosen.threshold is None:
        return chosen
    language, value = chosen.threshold
    same = {
        e.threshold[1]: e
        for e in equals
        if e.threshold and e.threshold[0] == language and e.path == chosen.path
    }
    same[value] = chosen
    grid = list(THRESHOLD_GRID)
    low = high = grid.index(value)
    while low > 0 and grid[low - 1] in same:
        low -= 1
    while high < len(grid) - 1 and grid[high + 1] in same:
        high += 1
    return same[grid[(low + high) // 2]]


def fit(bench: Bench, text: str, criterion: str, labels: Sequence[Label]) -> list[Edit]:
    """The changes that, one round at a time, make the most of ``labels`` agree (none: nothing helps)."""
    edits: list[Edit] = []
    best = bench.agreed(text, criterion, labels)
    ids = [x.interaction_id for x in labels]
    for _ in range(MAX_ROUNDS):
        if best == len(labels):
            break
        current = bench.results(text, criterion, ids)
        tried: list[tuple[int, float, int, Edit]] = []
        for order, (cost, edit) in enumerate(candidates(text, criterion, labels, current)):
            agreed = bench.agreed(apply_edits(text, [edit]), criterion, labels)
            tried.append((agreed, -cost, -order, edit))
        if not tried:
            break
        agreed, _, _, edit = max(tried, key=lambda t: t[:3])
        if agreed <= best:
            break
        edit = _middle(edit, [e for a, _, _, e in tried if a == agreed])
        text, best = apply_edits(text, [edit]), agreed
        edits.append(edit)
    return edits
