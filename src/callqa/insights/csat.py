"""QA and CSAT read together (seed 003): does the score follow what customers say, where do they part
(compliant-but-unhappy, rule-breaking-but-happy), and which criteria actually move CSAT.

CSAT is on the facts' 1–5 scale whatever the survey's; "unhappy" is 1–2, "happy" 4–5. A criterion "moves
CSAT" when surveyed interactions that passed it are rated differently from those that failed it by more
than chance (Mann–Whitney, Benjamini–Hochberg over all criteria); the effect is the difference of mean CSAT
with its 95 % interval and Cliff's delta. This is association, not proof of cause: a criterion that fails
on hard calls will look bad whatever the agent did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.core.stats import (
    Correlation,
    benjamini_hochberg,
    compare_groups,
    mean_difference,
    pearson,
    spearman,
)
from callqa.insights.dashboard import conditions, criterion_titles
from callqa.insights.models import InsightFactRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow

F = InsightFactRow
UNHAPPY = 2.0  # CSAT at or below, on 1–5
HAPPY = 4.0  # CSAT at or above
QUADRANTS = ("compliant_happy", "compliant_unhappy", "noncompliant_happy", "noncompliant_unhappy")
MIN_GROUP = 10  # surveyed interactions needed on each side of a criterion to judge it


@dataclass(frozen=True)
class Overview:
    n: int  # scored and surveyed
    pearson: Correlation | None
    spearman: Correlation | None
    quadrants: dict[str, int]  # neutral CSAT (3) in no quadrant
    neutral: int
    by_score: list[tuple[int, int, float | None]]  # score decile start, n, mean CSAT


@dataclass(frozen=True)
class CriterionEffect:
    criterion: str
    title: str
    passed_n: int
    failed_n: int
    passed_csat: float
    failed_csat: float
    difference: float  # mean CSAT when passed − when failed
    low: float
    high: float
    cliffs_delta: float
    p: float
    q: float

    @property
    def moves_csat(self) -> bool:
        return self.q <= 0.05


def quadrant(low: bool, csat: float) -> str | None:
    """Which quadrant a scored, surveyed interaction is in (None: neutral CSAT); ``low``: scored below the
    low-score line."""
    side = "noncompliant" if low else "compliant"
    if csat >= HAPPY:
        return f"{side}_happy"
    if csat <= UNHAPPY:
        return f"{side}_unhappy"
    return None


def overview(session: Session, flt: InteractionQuery) -> Overview:
    query = select(F.score, F.csat, F.low).where(*conditions(flt), F.score.is_not(None), F.csat.is_not(None))
    rows = [(float(s or 0), float(c or 0), bool(low)) for s, c, low in session.execute(query)]
    pairs = [(s, c) for s, c, _ in rows]
    counts = dict.fromkeys(QUADRANTS, 0)
    neutral = 0
    deciles: dict[int, list[float]] = defaultdict(list)
    for score, csat, low in rows:
        which = quadrant(low, csat)
        if which is None:
            neutral += 1
        else:
            counts[which] += 1
        deciles[min(9, int(score // 10))].append(csat)
    scores, ratings = [p[0] for p in pairs], [p[1] for p in pairs]
    enough = len(pairs) >= 3 and len(set(scores)) > 1 and len(set(ratings)) > 1
    return Overview(
        len(pairs),
        pearson(scores, ratings) if enough else None,
        spearman(scores, ratings) if enough else None,
        counts,
        neutral,
        [
            (d * 10, len(deciles[d]), sum(deciles[d]) / len(deciles[d]) if deciles[d] else None)
            for d in range(10)
        ],
    )


def criterion_effects(
    session: Session, flt: InteractionQuery, *, min_group: int = MIN_GROUP, scorecard: str | None = None
) -> list[CriterionEffect]:
    """Each criterion's association with CSAT, the strongest first (criteria with too few either side left
    out). ``scorecard``: the outcomes of that scorecard's current evaluations (default: the insights
    scorecard's, which the facts keep)."""
    r = CriterionResultRow
    if scorecard is None:
        joined = select(r.criterion, r.outcome, F.csat).join(r, r.evaluation_id == F.evaluation_id)
    else:
        e = EvaluationRow
        joined = (
            select(r.criterion, r.outcome, F.csat)
            .join(e, (e.interaction_id == F.interaction_id) & e.is_current.is_(True))
            .join(r, r.evaluation_id == e.id)
            .where(e.scorecard_name == scorecard)
        )
    query = joined.where(*conditions(flt), F.csat.is_not(None), r.outcome.in_(("pass", "fail")))
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"pass": [], "fail": []})
    for criterion, outcome, csat in session.execute(query):
        if csat is not None:
            groups[criterion][outcome].append(float(csat))
    judged = [c for c, g in groups.items() if len(g["pass"]) >= min_group and len(g["fail"]) >= min_group]
    return effects_of(groups, criterion_titles(session, judged), min_group=min_group)


def effects_of(
    groups: Mapping[str, Mapping[str, Sequence[float]]],
    titles: Mapping[str, str],
    *,
    min_group: int = MIN_GROUP,
) -> list[CriterionEffect]:
    """The effects of criteria given the CSAT ratings of each criterion's ``pass`` and ``fail`` groups, the
    strongest first; criteria with fewer than ``min_group`` either side are left out, and the q-values are
    over the criteria judged here."""
    rows: list[dict[str, Any]] = []
    for criterion, g in groups.items():
        passed, failed = list(g.get("pass", ())), list(g.get("fail", ()))
        if len(passed) < min_group or len(failed) < min_group:
            continue
        test = compare_groups(passed, failed)
        diff = mean_difference(passed, failed)
        rows.append(
            {
                "criterion": criterion,
                "title": titles.get(criterion, criterion),
                "passed_n": len(passed),
                "failed_n": len(failed),
                "passed_csat": sum(passed) / len(passed),
                "failed_csat": sum(failed) / len(failed),
                "difference": diff.difference,
                "low": diff.low,
                "high": diff.high,
                "cliffs_delta": test.cliffs_delta,
                "p": test.p,
            }
        )
    qs = benjamini_hochberg([row["p"] for row in rows])
    effects = [CriterionEffect(**row, q=q) for row, q in zip(rows, qs, strict=True)]
    return sorted(effects, key=lambda e: (not e.moves_csat, -abs(e.cliffs_delta)))
