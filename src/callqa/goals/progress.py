"""How a goal stands: its metric measured over its current period for its scope, against the target.

Figures come from the insights facts and roll-ups (the dashboards' own numbers, official scores), so a goal
and the dashboard it is drawn on always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.core.query import Days, InteractionQuery
from callqa.goals.catalogue import GoalMetric
from callqa.goals.periods import period_of
from callqa.goals.service import Goal
from callqa.insights import dashboard
from callqa.insights.models import InsightFactRow


@dataclass(frozen=True)
class Measured:
    value: float | None
    n: int  # the interactions the value is measured on


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    days: Days  # the period measured
    value: float | None
    n: int
    started: bool  # False: the goal's first period is still to come

    @property
    def gap(self) -> float | None:
        """Value minus target (positive: above it)."""
        return None if self.value is None else round(self.value - self.goal.target, 6)

    @property
    def on_track(self) -> bool | None:
        """Whether the period so far meets the target (None: nothing measured)."""
        if self.gap is None:
            return None
        return self.gap >= 0 if self.goal.metric.higher_is_better else self.gap <= 0

    @property
    def share(self) -> float:
        """How far toward the target, 0–1 (a progress bar): value ÷ target, or target ÷ value when lower
        is better."""
        value, target = self.value, self.goal.target
        if value is None:
            return 0.0
        if self.goal.metric.higher_is_better:
            return 1.0 if target <= 0 else max(0.0, min(1.0, value / target))
        return 1.0 if value <= target else max(0.0, min(1.0, target / value)) if value > 0 else 1.0

    def as_json(self) -> dict[str, object]:
        return {
            **self.goal.as_json(),
            "since": self.days.first.isoformat(),
            "until": self.days.last.isoformat(),
            "value": self.value,
            "n": self.n,
            "gap": self.gap,
            "on_track": self.on_track,
            "started": self.started,
        }


def scope_query(goal: Goal, days: Days) -> InteractionQuery:
    """The dashboard query of the goal's scope over ``days``."""
    return InteractionQuery(days=days, team=goal.team, agent=goal.agent)


def measure(session: Session, metric: GoalMetric, criterion: str | None, flt: InteractionQuery) -> Measured:
    """The metric over the query's interactions (shares in percent)."""
    if metric.id == "criterion_pass_rate":
        for rate in dashboard.criterion_rates(session, flt):
            if rate.criterion == criterion:
                judged = rate.passed + rate.failed
                return Measured(100.0 * rate.passed / judged if judged else None, judged)
        return Measured(None, 0)
    if metric.id == "reviewed_share":
        f = InsightFactRow
        n, reviewed = session.execute(
            select(func.count(), func.coalesce(func.sum(case((f.reviewed.is_(True), 1), else_=0)), 0)).where(
                *dashboard.conditions(flt, f)
            )
        ).one()
        return Measured(100.0 * int(reviewed) / int(n) if n else None, int(n))
    t = dashboard.summary(session, flt)
    found = {
        "score": (t.mean_score, t.scored),
        "csat": (t.mean_csat, t.csat_n),
        "low_score_rate": (_percent(t.low_rate), t.scored),
        "auto_fail_rate": (_percent(t.auto_fail_rate), t.scored),
        "duration_s": (t.mean_handle_s, t.handle_n),
    }
    value, n = found[metric.id]
    return Measured(value, n)


def _percent(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


def progress(session: Session, goal: Goal, day: date, flt: InteractionQuery | None = None) -> GoalProgress:
    """The goal over its period holding ``day`` (its first period when it starts later), measured on its own
    scope or, given ``flt``, on that query's interactions (an agent's work against a team goal)."""
    started = day >= goal.starts_on
    days = period_of(goal.period, day if started else goal.starts_on)
    query = (flt or scope_query(goal, days)).day_view(days)
    found = measure(session, goal.metric, goal.criterion, query) if started else Measured(None, 0)
    return GoalProgress(goal, days, found.value, found.n, started)


def sentence(p: GoalProgress, who: str, gettext: Callable[[str], str] = N_) -> str:
    """ "Team North: 82.4 against a target of 85 — 2.6 below", in the reader's language."""
    metric, target = p.goal.metric, p.goal.target
    values = {
        "who": who,
        "value": metric.shown(p.value, gettext),
        "target": metric.shown(target, gettext, exact=True),
    }
    if not p.started:
        return gettext("%(who)s: a target of %(target)s from %(since)s") % {
            **values,
            "since": p.days.first.isoformat(),
        }
    if p.value is None or p.gap is None:
        return gettext("%(who)s: nothing measured yet against a target of %(target)s") % values
    difference = metric.shown(abs(p.gap), gettext)
    if abs(p.gap) < 0.05:
        return gettext("%(who)s: %(value)s against a target of %(target)s — on target") % values
    template = (
        gettext("%(who)s: %(value)s against a target of %(target)s — %(difference)s above")
        if p.gap > 0
        else gettext("%(who)s: %(value)s against a target of %(target)s — %(difference)s below")
    )
    return template % {**values, "difference": difference}
