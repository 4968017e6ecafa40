"""Reweighting reports kept in memory, so the standards page and its JSON do not recompute the analysis (a
pass over every current evaluation's criteria, five folds) on every request.

A report is kept under what it was computed from: the scorecard's name, the query (period, team, channel,
the viewer's teams), the policy, and a **data marker** read fresh on every request:

* the scorecards: the highest stored version id and how many are stored (a new version, a draft, a
  published edit changes them, and so the text scoring uses);
* the evaluations: the highest id and how many there are (new scoring, re-scoring, deletion);
* the reviews: the latest change and how many there are (a shared review rewrites the criteria's outcomes);
* the insight facts: when a refresh last changed any (CSAT and recontact arrive through it; the web
  server's refresher runs every minute, and a run that finds nothing new leaves the marker be).

Any change to these gives a new marker, so the next request computes afresh; entries are dropped least
recently used beyond ``size``. The cache lives in one process (each web worker has its own): a report can
be at most as stale as the marker is blind, never older than the data it names.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.insights.refresh import facts_changed_at
from callqa.insights.reweight import Reweighting, reweighting
from callqa.insights.reweight_weights import Policy
from callqa.review.models import ReviewRow
from callqa.scoring.models import EvaluationRow, ScorecardRow

SIZE = 32


def data_marker(session: Session) -> tuple[Any, ...]:
    """What changes whenever a reweighting report could (see the module's description)."""
    scorecards = session.execute(select(func.max(ScorecardRow.id), func.count(ScorecardRow.id))).one()
    evaluations = session.execute(select(func.max(EvaluationRow.id), func.count(EvaluationRow.id))).one()
    reviews = session.execute(select(func.max(ReviewRow.updated_at), func.count(ReviewRow.id))).one()
    return (*scorecards, *evaluations, *reviews, facts_changed_at(session))


class ReportCache:
    """The last ``size`` reweighting reports, least recently used dropped first; safe across threads."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._reports: OrderedDict[Hashable, Reweighting] = OrderedDict()
        self._lock = threading.Lock()

    def report(
        self,
        session: Session,
        name: str,
        flt: InteractionQuery,
        *,
        policy: Policy,
        vocabulary: dict[str, list[str]] | None = None,
    ) -> Reweighting:
        """The report of :func:`~callqa.insights.reweight.reweighting`, from memory when nothing it was
        computed from has changed since."""
        key = (name, flt, policy, data_marker(session))
        return self._get(key, lambda: reweighting(session, name, flt, vocabulary=vocabulary, policy=policy))

    def _get(self, key: Hashable, compute: Callable[[], Reweighting]) -> Reweighting:
        with self._lock:
            found = self._reports.get(key)
            if found is not None:
                self._reports.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        made = compute()  # outside the lock: a slow report does not hold up the others
        with self._lock:
            self._reports[key] = made
            self._reports.move_to_end(key)
            while len(self._reports) > self.size:
                self._reports.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._reports.clear()
