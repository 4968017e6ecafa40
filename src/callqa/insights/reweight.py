"""QA standards against what customers care about (seed 001): each criterion's weight in the scorecard set
beside its measured effect on CSAT and on recontact, and a suggested reweighting a person can apply as a
draft version of the scorecard.

The effects are those of the QA-and-CSAT analysis (:func:`callqa.insights.csat.effects_of`: difference of
mean CSAT passed − failed with its 95 % interval, Mann–Whitney, Benjamini–Hochberg) plus the recontact rate
when failed − when passed (Newcombe interval, pooled z-test, Benjamini–Hochberg), over the named
scorecard's current evaluations of the interactions in the query. A criterion's *importance* is the sum of
its significant, customer-favouring gaps on comparable scales (CSAT points ÷ 4 + recontact rate); the
formula that turns it into weights is in :mod:`callqa.insights.reweight_weights`.

Whether the suggestion helps is judged on data that did not choose it: the surveyed interactions are split
into folds by a stable hash of their id; each fold is scored with the weights suggested from the others,
and the correlation of those held-out scores with CSAT is set beside the current weights' on the same
interactions. Association, not cause: a criterion that fails on hard calls looks bad whatever the agent did.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.query import Days, InteractionQuery
from callqa.core.stats import Correlation, benjamini_hochberg, pearson, proportion_difference
from callqa.insights.csat import MIN_GROUP, CriterionEffect, effects_of
from callqa.insights.dashboard import conditions, period
from callqa.insights.models import InsightFactRow
from callqa.insights.reweight_weights import Policy, score, step_of, suggest
from callqa.scoring import editing
from callqa.scoring.loader import Scorecard
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow

F = InsightFactRow
FOLDS = 5
Gettext = Callable[[str], str]


@dataclass(frozen=True)
class RecontactEffect:
    failed_n: int  # interactions of a known customer that failed the criterion
    passed_n: int
    failed_rate: float  # share of them whose customer came back within the recontact window
    passed_rate: float
    difference: float  # failed − passed
    low: float  # 95 % interval (Newcombe)
    high: float
    p: float
    q: float  # Benjamini–Hochberg over the criteria judged


@dataclass(frozen=True)
class Standing:
    """One criterion: its weight now, what customers' ratings and returns say of it, its suggested weight."""

    criterion: str
    title: str
    section: str
    weight: float
    share: float  # of the total weight
    critical: bool
    surveyed: int  # surveyed interactions that passed or failed it
    surveyed_failed: int  # of them, those that failed it
    csat: CriterionEffect | None  # None: too few surveyed interactions passed or failed it
    recontact: RecontactEffect | None
    importance: float | None  # None: could not be judged (its weight is kept)
    effect_share: float | None  # the share the measured effect alone would give it
    suggested: float
    suggested_share: float

    @property
    def change(self) -> float:
        return self.suggested - self.weight


@dataclass(frozen=True)
class Reweighting:
    scorecard: str
    version: int | None  # the stored version of the text scoring uses (None: built in, never stored)
    base_hash: str  # of that text: applying refuses a scorecard changed since
    days: Days
    interactions: int  # evaluated by the scorecard in the period
    surveyed: int
    policy: Policy
    step: float  # the weights' granularity
    criteria: tuple[Standing, ...]
    before: Correlation | None  # current weights' score against CSAT, on the held-out interactions
    after: Correlation | None  # the weights suggested from the other folds, on the same interactions
    held_out: int  # surveyed interactions scored both ways
    folds: int
    strongest: str | None = None  # the criterion (not critical) with the largest significant CSAT gap

    @property
    def changed(self) -> bool:
        return any(s.suggested != s.weight for s in self.criteria)

    def weights(self) -> dict[str, float]:
        return {s.criterion: s.suggested for s in self.criteria}


@dataclass
class _Seen:
    csat: float | None
    recontact: bool | None  # None: no known customer
    outcomes: dict[str, str] = field(default_factory=dict)


def text_hash(text: str) -> str:
    """What identifies the scorecard text a suggestion was made from (applying checks it is unchanged)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def current_card(
    session: Session, name: str, vocabulary: dict[str, list[str]] | None = None
) -> tuple[Scorecard, int | None]:
    """The scorecard ``name`` as scoring uses it now, and its stored version number (None: not stored)."""
    known = editing.versions(session)
    if name not in known:
        raise CallqaError(ErrorCode.O160, name=name, known=", ".join(sorted(known)) or "none")
    text = editing.current_text(session, name, vocabulary)
    card, errors = editing.check(text, vocabulary)
    if card is None:
        raise CallqaError(ErrorCode.S100, path=name, reason=errors[0])
    version = session.scalar(
        select(ScorecardRow.version).where(
            ScorecardRow.name == name, ScorecardRow.content_hash == card.content_hash
        )
    )
    return card, version


def _observations(session: Session, name: str, flt: InteractionQuery) -> dict[int, _Seen]:
    e, r = EvaluationRow, CriterionResultRow
    query = (
        select(F.interaction_id, F.csat, F.recontact, F.customer, r.criterion, r.outcome)
        .join(e, (e.interaction_id == F.interaction_id) & e.is_current.is_(True))
        .join(r, r.evaluation_id == e.id)
        .where(*conditions(flt), e.scorecard_name == name)
    )
    seen: dict[int, _Seen] = {}
    for interaction_id, csat, recontact, customer, criterion, outcome in session.execute(query):
        item = seen.get(interaction_id)
        if item is None:
            known = bool(customer)
            item = seen[interaction_id] = _Seen(
                float(csat) if csat is not None else None, bool(recontact) if known else None
            )
        item.outcomes[criterion] = outcome
    return seen


def _recontact_effects(
    seen: Iterable[_Seen], criteria: Sequence[str], min_group: int
) -> dict[str, RecontactEffect]:
    counts: dict[str, list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )  # failed back, failed, passed back, passed
    for item in seen:
        if item.recontact is None:
            continue
        for criterion, outcome in item.outcomes.items():
            if outcome in ("pass", "fail"):
                k = counts[criterion]
                at = 0 if outcome == "fail" else 2
                k[at] += int(item.recontact)
                k[at + 1] += 1
    rows = []
    for criterion in criteria:
        kf, nf, kp, np_ = counts.get(criterion, [0, 0, 0, 0])
        if nf >= min_group and np_ >= min_group:
            rows.append((criterion, kf, nf, kp, np_, proportion_difference(kf, nf, kp, np_)))
    qs = benjamini_hochberg([d.p for *_, d in rows])
    return {
        c: RecontactEffect(nf, np_, kf / nf, kp / np_, d.difference, d.low, d.high, d.p, q)
        for (c, kf, nf, kp, np_, d), q in zip(rows, qs, strict=True)
    }


def _csat_effects(
    seen: Iterable[_Seen], criteria: Sequence[str], titles: Mapping[str, str], min_group: int
) -> dict[str, CriterionEffect]:
    groups: dict[str, dict[str, list[float]]] = {c: {"pass": [], "fail": []} for c in criteria}
    for item in seen:
        if item.csat is None:
            continue
        for criterion, outcome in item.outcomes.items():
            if criterion in groups and outcome in ("pass", "fail"):
                groups[criterion][outcome].append(item.csat)
    return {e.criterion: e for e in effects_of(groups, titles, min_group=min_group)}


def importance(
    csat: CriterionEffect | None, recontact: RecontactEffect | None, policy: Policy
) -> float | None:
    """How much customers care about a criterion, from its significant effects that favour passing it
    (CSAT gap ÷ the scale's span + recontact gap); None when neither effect could be measured."""
    use_recontact = policy.recontact and recontact is not None
    if csat is None and not use_recontact:
        return None
    value = 0.0
    if csat is not None and csat.q <= policy.q_max and csat.difference > 0:
        value += csat.difference / policy.csat_span
    if use_recontact and recontact is not None and recontact.q <= policy.q_max and recontact.difference > 0:
        value += recontact.difference
    return value


def _importances(
    seen: Iterable[_Seen], card: Scorecard, policy: Policy, min_group: int
) -> tuple[dict[str, CriterionEffect], dict[str, RecontactEffect], dict[str, float | None]]:
    items = list(seen)
    ids = [c.spec.id for c in card.criteria]
    titles = {c.spec.id: c.spec.title for c in card.criteria}
    csat = _csat_effects(items, ids, titles, min_group)
    recontact = _recontact_effects(items, ids, min_group)
    # a critical criterion acts through the auto-fail, not its weight: it keeps its weight
    lever = {c.spec.id: not c.spec.critical for c in card.criteria}
    return (
        csat,
        recontact,
        {c: importance(csat.get(c), recontact.get(c), policy) if lever[c] else None for c in ids},
    )


def _fold(interaction_id: int, folds: int) -> int:
    return int(hashlib.sha1(f"fold:{interaction_id}".encode()).hexdigest(), 16) % folds


def _correlation(scores: Sequence[float], csat: Sequence[float]) -> Correlation | None:
    if len(scores) < MIN_GROUP:  # too few pairs for a correlation worth showing
        return None
    found = pearson(scores, csat)
    return None if math.isnan(found.r) else found


def held_out(
    seen: Mapping[int, _Seen], card: Scorecard, policy: Policy, *, folds: int, min_group: int
) -> tuple[Correlation | None, Correlation | None, int]:
    """(current weights' correlation with CSAT, the suggested weights', interactions) where every
    interaction is scored with the weights suggested from the other folds."""
    weights = {c.spec.id: c.spec.weight for c in card.criteria}
    critical = [c.spec.id for c in card.criteria if c.spec.critical]
    now: list[float] = []
    new: list[float] = []
    ratings: list[float] = []
    for fold in range(folds):
        train = [item for i, item in seen.items() if _fold(i, folds) != fold]
        test = [item for i, item in seen.items() if _fold(i, folds) == fold and item.csat is not None]
        if not test:
            continue
        suggested = suggest(weights, _importances(train, card, policy, min_group)[2], policy)
        for item in test:
            before, after = score(item.outcomes, weights, critical), score(item.outcomes, suggested, critical)
            if before is not None and after is not None and item.csat is not None:
                now.append(before)
                new.append(after)
                ratings.append(item.csat)
    return _correlation(now, ratings), _correlation(new, ratings), len(ratings)


def reweighting(
    session: Session,
    name: str,
    flt: InteractionQuery,
    *,
    vocabulary: dict[str, list[str]] | None = None,
    policy: Policy | None = None,
    folds: int = FOLDS,
    min_group: int = MIN_GROUP,
) -> Reweighting:
    """The standing of every criterion of scorecard ``name`` over the interactions of ``flt`` (local days,
    team, channel; the viewer's teams) and the suggested weights."""
    policy = policy or Policy()
    days = period(flt)
    card, version = current_card(session, name, vocabulary)
    seen = _observations(session, name, flt)
    csat, recontact, weights_of = _importances(seen.values(), card, policy, min_group)
    weights = {c.spec.id: c.spec.weight for c in card.criteria}
    suggested = suggest(weights, weights_of, policy)
    total = sum(weights.values()) or 1.0
    judged = [c for c, v in weights_of.items() if v is not None and weights[c] > 0]
    held = sum(weights[c] for c in judged) / total
    mass = sum(weights_of[c] or 0.0 for c in judged)
    surveyed: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    for item in seen.values():
        if item.csat is not None:
            for criterion, outcome in item.outcomes.items():
                surveyed[criterion] += outcome in ("pass", "fail")
                failed[criterion] += outcome == "fail"
    standings = tuple(
        Standing(
            c.spec.id,
            c.spec.title,
            c.section,
            c.spec.weight,
            c.spec.weight / total,
            c.spec.critical,
            surveyed[c.spec.id],
            failed[c.spec.id],
            csat.get(c.spec.id),
            recontact.get(c.spec.id),
            weights_of[c.spec.id],
            held * (weights_of[c.spec.id] or 0.0) / mass if c.spec.id in judged and mass > 0 else None,
            suggested[c.spec.id],
            suggested[c.spec.id] / total,
        )
        for c in card.criteria
    )
    before, after, n = held_out(seen, card, policy, folds=folds, min_group=min_group)
    movers = [e for c, e in csat.items() if c in judged and e.q <= policy.q_max and e.difference > 0]
    strongest = max(movers, key=lambda e: e.difference).criterion if movers else None
    return Reweighting(
        name,
        version,
        text_hash(card.source_text),
        days,
        len(seen),
        sum(1 for item in seen.values() if item.csat is not None),
        policy,
        step_of(weights.values()),
        standings,
        before,
        after,
        n,
        folds,
        strongest,
    )


def _points(value: float) -> str:
    return f"{value:.1f}"


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %" if share >= 0.01 or share == 0 else f"{100 * share:.1f} %"


VERDICTS = {
    "too_few": N_(
        "weighted %(share)s of the score; too few surveyed interactions passed and failed it to judge its "
        "effect on CSAT (%(failed)s of %(n)s failed)"
    ),
    "critical": N_(
        "critical: a fail auto-fails the evaluation, so its weight is kept; failing it costs %(points)s CSAT "
        "points (%(low)s–%(high)s)"
    ),
    "no_effect": N_(
        "weighted %(share)s of the score, yet customers rated it no differently passed or failed "
        "(%(points)s CSAT points, %(low)s–%(high)s, not significant)"
    ),
    "reversed": N_(
        "weighted %(share)s of the score; customers rated interactions that passed it lower "
        "(%(points)s CSAT points, %(low)s–%(high)s): check what it measures"
    ),
    "strongest": N_(
        "weighted %(share)s of the score but the strongest driver of CSAT: failing it costs %(points)s CSAT "
        "points (%(low)s–%(high)s)"
    ),
    "under": N_(
        "weighted %(share)s of the score, less than customers' ratings say: failing it costs %(points)s "
        "CSAT points (%(low)s–%(high)s)"
    ),
    "over": N_(
        "weighted %(share)s of the score, more than customers' ratings say: failing it costs %(points)s "
        "CSAT points (%(low)s–%(high)s)"
    ),
    "in_line": N_(
        "weighted %(share)s of the score, in line with customers' ratings: failing it costs %(points)s CSAT "
        "points (%(low)s–%(high)s)"
    ),
}
RECONTACT = N_("customers come back %(points)s percentage points more often when it fails (%(low)s–%(high)s)")


def verdict_kind(s: Standing, strongest: str | None, policy: Policy) -> str:
    """Which of :data:`VERDICTS` describes the criterion."""
    e, effect = s.csat, s.effect_share or 0.0
    if e is None:
        return "too_few"
    if s.critical and e.q <= policy.q_max and e.difference > 0:
        return "critical"
    if e.q > policy.q_max:
        return "no_effect"
    if e.difference <= 0:
        return "reversed"
    if s.criterion == strongest and effect > s.share:
        return "strongest"
    if effect > 1.25 * s.share:
        return "under"
    return "over" if effect < 0.8 * s.share else "in_line"


def verdict(s: Standing, strongest: str | None, policy: Policy, gettext: Gettext = N_) -> str:
    """One sentence on a criterion, e.g. "weighted 5 % of the score but the strongest driver of CSAT:
    failing it costs 0.8 CSAT points (0.5–1.1)", in the reader's language."""
    values: dict[str, Any] = {"share": _percent(s.share), "n": s.surveyed, "failed": s.surveyed_failed}
    if s.csat is not None:
        e = s.csat
        values |= {"points": _points(e.difference), "low": _points(e.low), "high": _points(e.high)}
    text = gettext(VERDICTS[verdict_kind(s, strongest, policy)]) % values
    r = s.recontact
    if policy.recontact and r is not None and r.q <= policy.q_max and r.difference > 0:
        gap = {
            "points": _points(100 * r.difference),
            "low": _points(100 * r.low),
            "high": _points(100 * r.high),
        }
        text += "; " + gettext(RECONTACT) % gap
    return text


def _correlation_json(c: Correlation | None) -> dict[str, Any] | None:
    return None if c is None else {"r": c.r, "n": c.n, "low": c.low, "high": c.high, "p": c.p}


def report_json(report: Reweighting, gettext: Gettext = N_) -> dict[str, Any]:
    """The report as the API and ``--json`` give it (verdicts in the reader's language)."""
    p = report.policy
    return {
        "scorecard": report.scorecard,
        "version": report.version,
        "base_hash": report.base_hash,
        "since": report.days.first.isoformat(),
        "until": report.days.last.isoformat(),
        "interactions": report.interactions,
        "surveyed": report.surveyed,
        "policy": {
            "blend": p.blend,
            "floor": p.floor,
            "factor": p.factor,
            "q_max": p.q_max,
            "csat_span": p.csat_span,
            "recontact": p.recontact,
        },
        "step": report.step,
        "changed": report.changed,
        "strongest": report.strongest,
        "correlation": {
            "before": _correlation_json(report.before),
            "after": _correlation_json(report.after),
            "held_out": report.held_out,
            "folds": report.folds,
        },
        "criteria": [
            {
                "criterion": s.criterion,
                "title": s.title,
                "section": s.section,
                "weight": s.weight,
                "share": s.share,
                "critical": s.critical,
                "surveyed": s.surveyed,
                "surveyed_failed": s.surveyed_failed,
                "csat": None if s.csat is None else asdict(s.csat) | {"significant": s.csat.q <= p.q_max},
                "recontact": None
                if s.recontact is None
                else asdict(s.recontact) | {"significant": s.recontact.q <= p.q_max},
                "importance": s.importance,
                "effect_share": s.effect_share,
                "suggested": s.suggested,
                "suggested_share": s.suggested_share,
                "verdict": verdict_kind(s, report.strongest, p),
                "sentence": verdict(s, report.strongest, p, gettext),
            }
            for s in report.criteria
        ],
    }
