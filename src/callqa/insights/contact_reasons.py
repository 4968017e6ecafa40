"""Contact reasons over a period: how many, how that changed against the previous period (and whether the
change is more than chance), their quality and CSAT, and the handle time a good interaction of each reason
takes (seed 003), with the interactions far from it.

A **good** interaction scored at least ``GOOD_SCORE`` and, when surveyed, got CSAT 4–5. The baseline of a
reason and channel is the good interactions' handle-time quartiles; an interaction is **far** from it beyond
Tukey's fences (below Q1 − 1.5 IQR: rushed; above Q3 + 1.5 IQR: long). At least ``MIN_GOOD`` good
interactions are needed for a baseline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.core.stats import benjamini_hochberg, proportion_difference
from callqa.insights.dashboard import Totals, before, conditions, volume
from callqa.insights.models import InsightFactRow
from callqa.scoring.models import AnalysisRow

F = InsightFactRow
GOOD_SCORE = 85.0
MIN_GOOD = 10
FAR = 1.5  # Tukey's fence, in IQRs


@dataclass(frozen=True)
class ReasonVolume:
    reason: str  # '' = no reason recognised
    totals: Totals
    share: float
    previous_share: float
    change: float  # share − previous share
    q: float  # Benjamini–Hochberg over all reasons
    compared: bool = True  # False: the previous period holds no interaction, so there is no change to tell

    @property
    def trend(self) -> str:
        if not self.compared:
            return "new"
        if self.q > 0.05:
            return "steady"
        return "rising" if self.change > 0 else "falling"


@dataclass(frozen=True)
class Baseline:
    reason: str
    channel: str
    good: int  # good interactions it is built from
    q1_s: float
    median_s: float
    q3_s: float
    long: int  # interactions of this reason and channel above the upper fence
    rushed: int  # below the lower fence
    upper_ms: int
    lower_ms: int


def reason_volumes(session: Session, flt: InteractionQuery) -> list[ReasonVolume]:
    """Each reason's totals and share, against the previous period of the same length, largest first."""
    now = volume(session, flt, "reason")
    earlier = dict(volume(session, before(flt), "reason"))
    total = sum(t.n for _, t in now) or 1
    total_before = sum(t.n for t in earlier.values())
    rows = []
    for reason, totals in now:
        old = earlier.get(reason, Totals())
        test = proportion_difference(totals.n, total, old.n, total_before) if total_before else None
        rows.append((reason, totals, totals.n / total, old.n / total_before if total_before else 0.0, test))
    qs = benjamini_hochberg([t.p if t else 1.0 for *_, t in rows])
    return [
        ReasonVolume(reason, totals, share, old_share, share - old_share, q, compared=total_before > 0)
        for (reason, totals, share, old_share, _), q in zip(rows, qs, strict=True)
    ]


def _scope(flt: InteractionQuery) -> list[ColumnElement[bool]]:
    return [*conditions(flt), F.handle_ms.is_not(None)]


def baselines(session: Session, flt: InteractionQuery, *, good_score: float = GOOD_SCORE) -> list[Baseline]:
    """Handle-time baselines per reason and channel from the good interactions of the filter."""
    good = (F.score >= good_score) & (F.csat.is_(None) | (F.csat >= 4))
    handles: dict[tuple[str, str], list[int]] = defaultdict(list)
    goods: dict[tuple[str, str], list[int]] = defaultdict(list)
    query = select(F.reason, F.channel, F.handle_ms, good).where(*_scope(flt))
    for reason, channel, handle, is_good in session.execute(query.execution_options(yield_per=20_000)):
        if handle is None:
            continue
        handles[(reason, channel)].append(int(handle))
        if is_good:
            goods[(reason, channel)].append(int(handle))
    out = []
    for key, values in goods.items():
        if len(values) < MIN_GOOD:
            continue
        q1, median, q3 = np.percentile(np.asarray(values, dtype=np.float64), [25, 50, 75])
        spread = q3 - q1
        upper, lower = q3 + FAR * spread, max(0.0, q1 - FAR * spread)
        all_handles = np.asarray(handles[key], dtype=np.float64)
        out.append(
            Baseline(
                key[0],
                key[1],
                len(values),
                q1 / 1000,
                median / 1000,
                q3 / 1000,
                int((all_handles > upper).sum()),
                int((all_handles < lower).sum()),
                int(upper),
                int(lower),
            )
        )
    return sorted(out, key=lambda b: (-b.long, b.reason, b.channel))


def far_from_baseline(
    session: Session, flt: InteractionQuery, found: Sequence[Baseline], *, limit: int = 50
) -> list[tuple[int, str, str, int, float]]:
    """The interactions furthest above their baseline: (id, reason, channel, handle ms, × the median)."""
    rows: list[tuple[int, str, str, int, float]] = []
    for b in found:
        query = (
            select(F.interaction_id, F.handle_ms)
            .where(*_scope(flt), F.reason == b.reason, F.channel == b.channel, F.handle_ms > b.upper_ms)
            .order_by(F.handle_ms.desc())
            .limit(limit)
        )
        for ident, handle in session.execute(query):
            if handle is not None:
                rows.append((int(ident), b.reason, b.channel, int(handle), handle / 1000 / b.median_s))
    return sorted(rows, key=lambda r: -r[4])[:limit]


def reason_titles(session: Session, reasons: Sequence[str]) -> dict[str, str]:
    """Each reason's title as its analyses recorded it (the reason set may be the centre's own)."""
    title = AnalysisRow.data["reason"]["title"].as_string()
    out: dict[str, str] = {}
    for reason in reasons:
        if not reason:
            continue
        query = (
            select(title)
            .join(F, F.interaction_id == AnalysisRow.interaction_id)
            .where(F.reason == reason)
            .limit(1)
        )
        out[reason] = session.scalar(query) or reason
    return out
