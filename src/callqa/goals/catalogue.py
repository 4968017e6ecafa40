"""The metrics a goal can set a target for: each with its label, unit, range and direction.

Labels are marked for the UI catalogue with ``N_`` (translated where shown); a duration reuses the
analysis metric catalogue's own label, so the same words name it everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from callqa.analysis.metric_labels import N_, metric_label, metric_value

Unit = Literal["points", "percent", "csat", "seconds"]


@dataclass(frozen=True)
class GoalMetric:
    id: str
    label: str  # English, marked for the catalogue
    unit: Unit
    low: float  # the range a target must lie in
    high: float
    higher_is_better: bool = True
    needs_criterion: bool = False

    def title(self, gettext: Callable[[str], str] = N_, criterion: str | None = None) -> str:
        """The metric in words (a pass rate names its criterion's title)."""
        if self.needs_criterion:
            return gettext("Pass rate of %(criterion)s") % {"criterion": criterion or "?"}
        if self.id == "duration_s":
            return metric_label(self.id, gettext)
        return gettext(self.label)

    def shown(self, value: float | None, gettext: Callable[[str], str] = N_, *, exact: bool = False) -> str:
        """A value in the metric's unit, e.g. ``82.4``, ``91.0 %``, ``4.20``, ``5 min 03 s`` (``exact``: a
        target as it was set, ``85``, ``90 %``)."""
        if value is None:
            return "–"
        if self.unit == "seconds":
            return metric_value(self.id, round(value) if value >= 60 else round(value, 1), gettext)
        number = f"{value:g}" if exact else f"{value:.2f}" if self.unit == "csat" else f"{value:.1f}"
        return f"{number} %" if self.unit == "percent" else number


GOAL_METRICS: dict[str, GoalMetric] = {
    m.id: m
    for m in (
        GoalMetric("score", N_("Official average score"), "points", 0, 100),
        GoalMetric(
            "criterion_pass_rate", N_("Pass rate of a criterion"), "percent", 0, 100, needs_criterion=True
        ),
        GoalMetric("csat", N_("Average CSAT (1–5)"), "csat", 1, 5),
        GoalMetric("reviewed_share", N_("Share of interactions reviewed"), "percent", 0, 100),
        GoalMetric("low_score_rate", N_("Share of low scores"), "percent", 0, 100, higher_is_better=False),
        GoalMetric("auto_fail_rate", N_("Share auto-failed"), "percent", 0, 100, higher_is_better=False),
        GoalMetric("duration_s", N_("Duration"), "seconds", 1, 86_400, higher_is_better=False),
    )
}
