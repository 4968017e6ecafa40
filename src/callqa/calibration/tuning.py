"""``callqa tune``: the AI learns from the centre's reviews — a new scorecard version a person approves.

The labels are the shared reviews only (every criterion a reviewer changed or let stand); calibration
answers are never fitted on, because they are what the agreement page reports. Per criterion with at least
one disagreement, :func:`tune_edits.fit` learns changes from the labels; how well they generalise is
measured by k-fold cross-validation **by interaction** (each fold's changes are learnt on the other folds
and judged on that fold only), beside the agreement of the scorecard as it is. A proposal whose
cross-validated agreement is lower than today's is not offered. Approving writes the changes (learnt on all
labels) into the scorecard text as a new version, keeping its comments; re-scoring is the caller's next step.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.analysis.pipeline import Pipeline
from callqa.calibration.ai_agreement import review_examples
from callqa.calibration.tune_edits import Bench, Edit, Label, apply_edits, fit, quotes_in
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.service import load_document
from callqa.review.models import OverrideRow, ReviewRow
from callqa.scoring import editing
from callqa.scoring.detectors import Services
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import EvaluationRow, ScorecardRow

FOLDS = 5
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Proposal:
    """What tuning suggests for one criterion, and how well it does on labels it was not fitted on."""

    criterion: str
    title: str
    n: int  # labels (one per reviewed interaction)
    before: int  # labels the scorecard as it is agrees with
    after: int  # labels agreed with when each fold's changes were learnt on the other folds
    fitted: int  # labels agreed with by the changes learnt on all labels (optimistic)
    folds: int
    edits: tuple[Edit, ...]

    @property
    def offered(self) -> bool:
        """Changes were found and cross-validation does not say they are worse."""
        return bool(self.edits) and self.after >= self.before

    def as_json(self) -> dict[str, Any]:
        share = (lambda k: round(k / self.n, 4)) if self.n else (lambda k: None)
        return {
            "criterion": self.criterion,
            "title": self.title,
            "n": self.n,
            "before": share(self.before),
            "after_cv": share(self.after),
            "fitted": share(self.fitted),
            "agreed_before": self.before,
            "agreed_after_cv": self.after,
            "folds": self.folds,
            "offered": self.offered,
            "edits": [e.as_json() for e in self.edits],
        }


@dataclass(frozen=True)
class TuneReport:
    scorecard: str
    base_hash: str  # of the text the changes apply to: approval refuses a scorecard changed since
    labels: int
    proposals: tuple[Proposal, ...]
    skipped: dict[str, str] = field(default_factory=dict)  # criterion → why nothing was tried

    def as_json(self) -> dict[str, Any]:
        return {
            "scorecard": self.scorecard,
            "base_hash": self.base_hash,
            "labels": self.labels,
            "proposals": [p.as_json() for p in self.proposals],
            "skipped": self.skipped,
        }


def base_text(session: Session, name: str, vocabulary: dict[str, list[str]] | None = None) -> str:
    """The text scoring uses now (``editing.current_text``)."""
    return editing.current_text(session, name, vocabulary)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _reasons(session: Session, name: str) -> dict[tuple[int, str], str]:
    """The reviewers' reasons per (interaction, criterion), newest last."""
    query = (
        select(ReviewRow.interaction_id, OverrideRow.criterion, OverrideRow.reason)
        .join(ReviewRow, ReviewRow.id == OverrideRow.review_id)
        .join(EvaluationRow, EvaluationRow.id == ReviewRow.evaluation_id)
        .where(EvaluationRow.scorecard_name == name)
        .order_by(OverrideRow.id)
    )
    return {(i, c): r for i, c, r in session.execute(query)}


def _folds(ids: Sequence[int], k: int) -> list[list[int]]:
    """``k`` groups of interactions, by a stable hash of the id (the same folds every run)."""
    ordered = sorted(set(ids), key=lambda i: hashlib.sha1(f"fold:{i}".encode()).hexdigest())
    k = max(2, min(k, len(ordered)))
    return [ordered[f::k] for f in range(k)]


def cross_validate(
    bench: Bench, text: str, criterion: str, labels: Sequence[Label], k: int
) -> tuple[int, int]:
    """(labels agreed with on held-out folds, folds used)."""
    folds = _folds([x.interaction_id for x in labels], k)
    agreed = 0
    for held in folds:
        out = set(held)
        train = [x for x in labels if x.interaction_id not in out]
        test = [x for x in labels if x.interaction_id in out]
        tuned = apply_edits(text, fit(bench, text, criterion, train))
        agreed += bench.agreed(tuned, criterion, test)
    return agreed, len(folds)


def propose(
    session: Session,
    name: str,
    *,
    pipeline: Pipeline,
    services: Services,
    vocabulary: dict[str, list[str]] | None = None,
    folds: int = FOLDS,
    criteria: Sequence[str] = (),
    progress: Progress | None = None,
) -> TuneReport:
    """Proposals for every criterion of ``name`` the reviews disagree with (or only ``criteria``)."""
    text = base_text(session, name, vocabulary)
    card = editing.check(text, vocabulary)[0] or load_scorecard(name, vocabulary)
    titles = {c.spec.id: c.spec.title for c in card.criteria}
    newest: dict[tuple[int, str], Any] = {}
    for example in review_examples(session, scorecard=name):
        if example.criterion in titles and (not criteria or example.criterion in criteria):
            newest[(example.interaction_id, example.criterion)] = example
    ids = sorted({i for i, _ in newest})
    analyses = {}
    for done, interaction_id in enumerate(ids):
        analyses[interaction_id] = pipeline.run(load_document(session, interaction_id))
        if progress:
            progress(done + 1, len(ids) + len(titles))
    reasons = _reasons(session, name)
    by_criterion: dict[str, list[Label]] = defaultdict(list)
    for (interaction_id, criterion), x in newest.items():
        quoted = quotes_in(reasons.get((interaction_id, criterion), ""), analyses[interaction_id])
        by_criterion[criterion].append(Label(interaction_id, criterion, x.human, x.language, quoted))
    bench = Bench(analyses, services, vocabulary)
    proposals, skipped = [], {}
    for step, criterion in enumerate(titles):
        labels = by_criterion.get(criterion, [])
        if progress:
            progress(len(ids) + step + 1, len(ids) + len(titles))
        if not labels:
            skipped[criterion] = "no reviews"
            continue
        before = bench.agreed(text, criterion, labels)
        if before == len(labels):
            skipped[criterion] = f"agrees with all {len(labels)} reviews"
            continue
        after, used = cross_validate(bench, text, criterion, labels, folds)
        edits = fit(bench, text, criterion, labels)
        fitted = bench.agreed(apply_edits(text, edits), criterion, labels)
        proposals.append(
            Proposal(criterion, titles[criterion], len(labels), before, after, fitted, used, tuple(edits))
        )
    return TuneReport(name, text_hash(text), len(newest), tuple(proposals), skipped)


def approve(
    session: Session,
    name: str,
    base_hash: str,
    edits: Sequence[Edit],
    vocabulary: dict[str, list[str]] | None = None,
) -> ScorecardRow:
    """Write the approved changes into the current text as a new version (the editor's kind, so scoring
    uses it from now on). Refused when the scorecard changed since the proposals were made."""
    text = base_text(session, name, vocabulary)
    if text_hash(text) != base_hash:
        raise CallqaError(ErrorCode.S100, path=name, reason="it changed since these proposals: tune again")
    if not edits:
        raise CallqaError(ErrorCode.S100, path=name, reason="no change was approved")
    card, errors = editing.check(apply_edits(text, edits), vocabulary)
    if card is None:
        raise CallqaError(ErrorCode.S100, path=name, reason=errors[0])
    return editing.save(session, card)


def edits_from_json(items: Sequence[dict[str, Any]]) -> list[Edit]:
    """Edits as the API and the page send them back: ``{path, value, note}``."""
    try:
        return [Edit(tuple(i["path"]), i["value"], str(i.get("note", ""))) for i in items]
    except (KeyError, TypeError) as exc:
        raise CallqaError(ErrorCode.S100, path="(tuned)", reason=f"malformed edit: {exc!r}") from exc
