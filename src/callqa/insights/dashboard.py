"""Dashboard queries: quality trend, criterion failure rates, score distribution, volume, hour × weekday.

Centre and team views read the roll-ups: the whole local months of the period from the month roll-ups,
the days before and after them from the day roll-ups (~16k rows for the agents table of a large centre's
year, not ~345k). An agent's view reads that agent's facts through the (agent, day) index. All give the
same numbers: the roll-ups are sums of the facts (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, union_all
from sqlalchemy.orm import Session

from callqa.core.query import BASES, Days, InteractionQuery
from callqa.insights.models import (
    MONTHLY,
    InsightAgentRow,
    InsightCriterionRow,
    InsightCriterionSlotRow,
    InsightDailyRow,
    InsightFactRow,
    InsightHourlyRow,
    InsightVolumeRow,
)
from callqa.insights.rollups import next_month
from callqa.scoring.models import CriterionResultRow, EvaluationRow

F = InsightFactRow
VOLUME_KEYS = ("channel", "team", "language", "queue", "tenure", "reason")
DATE = "date"  # the key of a roll-up row's date: its day, or its month's first day
Measures = Callable[[Any], Sequence[ColumnElement[Any]]]  # a roll-up table → aggregate columns over it


DASHBOARD_FIELDS = frozenset({"days", "team", "teams", "agent", "channel", "basis"})


class UnsupportedQuery(ValueError):
    """A dashboard asked for with a condition the facts' roll-ups do not keep."""


def period(flt: InteractionQuery) -> Days:
    """The query's local days, checked: a dashboard counts a period by team (or the viewer's teams), agent
    and channel, and nothing else (its roll-ups keep no other key)."""
    unsupported = [f for f in flt.as_params() if f not in DASHBOARD_FIELDS]
    if unsupported:
        raise UnsupportedQuery(
            f"dashboards count by period, team, agent and channel, not by {', '.join(unsupported)}"
        )
    if flt.days is None:
        raise UnsupportedQuery("a dashboard counts a period: give the query its local days")
    if flt.basis not in (None, *BASES):
        raise UnsupportedQuery(f"basis '{flt.basis}': choose one of {', '.join(BASES)}")
    return flt.days


def _official(flt: InteractionQuery) -> bool:
    """Whether the query counts the official scores of every interaction (what the roll-ups keep)."""
    return flt.basis in (None, "final")


def _fact_scores(flt: InteractionQuery) -> tuple[Any, Any, Any]:
    """(score, low, auto-failed) columns of the facts for the query's basis."""
    if flt.basis == "ai":
        return F.ai_score, F.ai_low, F.ai_auto_failed
    return F.score, F.low, F.auto_failed


def before(flt: InteractionQuery) -> InteractionQuery:
    """The same query over the period of the same length just before."""
    return flt.day_view(period(flt).before())


@dataclass(frozen=True)
class Totals:
    n: int = 0
    scored: int = 0
    score_sum: float = 0.0
    low: int = 0
    auto_failed: int = 0
    csat_n: int = 0
    csat_sum: float = 0.0
    handle_n: int = 0
    handle_sum: float = 0.0
    predicted_n: int = 0  # interactions with a predicted CSAT (surveyed or not)
    predicted_sum: float = 0.0

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.scored if self.scored else None

    @property
    def low_rate(self) -> float | None:
        return self.low / self.scored if self.scored else None

    @property
    def auto_fail_rate(self) -> float | None:
        return self.auto_failed / self.scored if self.scored else None

    @property
    def mean_csat(self) -> float | None:
        return self.csat_sum / self.csat_n if self.csat_n else None

    @property
    def mean_predicted_csat(self) -> float | None:
        return self.predicted_sum / self.predicted_n if self.predicted_n else None

    @property
    def mean_handle_s(self) -> float | None:
        return self.handle_sum / self.handle_n / 1000 if self.handle_n else None

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


def _values(t: Totals) -> tuple[Any, ...]:
    return (
        t.n,
        t.scored,
        t.score_sum,
        t.low,
        t.auto_failed,
        t.csat_n,
        t.csat_sum,
        t.handle_n,
        t.handle_sum,
        t.predicted_n,
        t.predicted_sum,
    )


@dataclass(frozen=True)
class TrendPoint:
    start: date
    end: date  # included
    totals: Totals


@dataclass(frozen=True)
class CriterionRate:
    criterion: str
    title: str
    passed: int
    failed: int
    na: int

    @property
    def fail_rate(self) -> float | None:
        judged = self.passed + self.failed
        return self.failed / judged if judged else None


@dataclass(frozen=True)
class AgentLine:
    agent: str
    team: str
    totals: Totals


@dataclass
class HeatMap:
    """7 weekdays (Monday first) × 24 local hours of totals."""

    cells: list[list[Totals]] = field(default_factory=lambda: [[Totals()] * 24 for _ in range(7)])

    def max_n(self) -> int:
        return max((c.n for row in self.cells for c in row), default=0)


def _fact_totals(flt: InteractionQuery) -> list[ColumnElement[Any]]:
    """The totals as aggregate columns over the facts, with the scores of the query's basis."""
    score, low, auto_failed = _fact_scores(flt)
    return [
        func.count(),
        func.count(score),
        func.coalesce(func.sum(score), 0),
        func.coalesce(func.sum(case((low.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((auto_failed.is_(True), 1), else_=0)), 0),
        func.count(F.csat),
        func.coalesce(func.sum(F.csat), 0),
        func.count(F.handle_ms),
        func.coalesce(func.sum(F.handle_ms), 0),
        func.count(F.predicted_csat),
        func.coalesce(func.sum(F.predicted_csat), 0),
    ]


def _totals_columns(table: Any) -> list[ColumnElement[Any]]:
    """The totals as aggregate columns over a roll-up table (0 for what it does not keep)."""
    names = (
        "n",
        "scored",
        "score_sum",
        "low",
        "auto_failed",
        "csat_n",
        "csat_sum",
        "handle_n",
        "handle_sum",
        "predicted_n",
        "predicted_sum",
    )
    return [
        func.coalesce(func.sum(getattr(table, n)), 0) if hasattr(table, n) else func.sum(0) for n in names
    ]


def _totals(row: Sequence[Any], start: int = 0) -> Totals:
    v = row[start : start + 11]
    return Totals(
        int(v[0]),
        int(v[1]),
        float(v[2]),
        int(v[3]),
        int(v[4]),
        int(v[5]),
        float(v[6]),
        int(v[7]),
        float(v[8]),
        int(v[9]),
        float(v[10]),
    )


def conditions(flt: InteractionQuery, table: Any = F) -> list[ColumnElement[bool]]:
    """The filter as WHERE conditions on the facts or on a day roll-up (one agent: facts only)."""
    days = period(flt)
    out = [table.day >= days.first, table.day <= days.last, *key_conditions(flt, table)]
    if flt.basis == "reviewed":
        if table is not F:
            raise UnsupportedQuery("the roll-ups count every interaction: read reviewed ones from the facts")
        out.append(F.reviewed.is_(True))
    return out


def key_conditions(flt: InteractionQuery, table: Any) -> list[ColumnElement[bool]]:
    """The filter's team, teams in scope, channel and agent as WHERE conditions (any table)."""
    out: list[ColumnElement[bool]] = []
    if flt.team is not None:
        out.append(table.team == flt.team)
    if flt.teams is not None:
        out.append(table.team.in_(sorted(flt.teams)))
    if flt.channel is not None:
        out.append(table.channel == flt.channel)
    if flt.agent is not None:
        out.append(F.agent == flt.agent)
    return out


def _spans(flt: InteractionQuery, months: bool) -> list[tuple[bool, date, date]]:
    """The period as runs of dates (both ends included), each read from one kind of roll-up: the whole
    months inside it from the month roll-ups (True), the days before and after them from the day roll-ups."""
    days = period(flt)
    first = days.first if days.first.day == 1 else next_month(days.first.replace(day=1))
    stop = (days.last + timedelta(days=1)).replace(day=1)  # the first day after the last whole month
    if not months or first >= stop:
        return [(False, days.first, days.last)]
    out = [(True, first, stop - timedelta(days=1))]
    if days.first < first:
        out.append((False, days.first, first - timedelta(days=1)))
    if stop <= days.last:
        out.append((False, stop, days.last))
    return out


def rollup_query(
    flt: InteractionQuery,
    day_table: Any,
    keys: Sequence[str],
    measures: Measures,
    *,
    dimension: str | None = None,
    months: bool = True,
) -> Select[Any]:
    """SELECT keys, measures … GROUP BY keys over the filter's period from ``day_table``'s whole months in
    its month roll-up and its other days in itself, added up in one UNION ALL (``months`` False: days only).

    ``measures`` must add up (sums and counts); ``dimension`` picks the rows of one volume dimension.
    """
    if not _official(flt):
        raise UnsupportedQuery("the roll-ups keep official scores of every interaction, not the AI's alone")
    parts = []
    for monthly, since, until in _spans(flt, months):
        table: Any = MONTHLY[day_table] if monthly else day_table
        when = table.month if monthly else table.day
        columns = [when if k == DATE else getattr(table, k) for k in keys]
        where = [when >= since, when <= until, *key_conditions(flt, table)]
        if dimension is not None:
            where.append(table.dimension == dimension)
        labelled = [c.label(f"k{i}") for i, c in enumerate(columns)]
        sums = [m.label(f"m{i}") for i, m in enumerate(measures(table))]
        parts.append(select(*labelled, *sums).where(*where).group_by(*columns))
    if len(parts) == 1:
        return parts[0]
    both = list(union_all(*parts).subquery().c)
    grouped = both[: len(keys)]
    return select(*grouped, *(func.sum(c) for c in both[len(keys) :])).group_by(*grouped)


def _grouped(flt: InteractionQuery, rollup: Any, keys: Sequence[str], *, months: bool = True) -> Select[Any]:
    """SELECT keys, totals … GROUP BY keys from the roll-ups, or from the facts when one agent is asked or
    the scores are the AI's or the reviewed ones only."""
    if flt.agent is None and _official(flt):
        return rollup_query(flt, rollup, keys, _totals_columns, months=months)
    columns = [F.day if k == DATE else getattr(F, k) for k in keys]
    return select(*columns, *_fact_totals(flt)).where(*conditions(flt)).group_by(*columns)


def summary(session: Session, flt: InteractionQuery) -> Totals:
    return _totals(session.execute(_grouped(flt, InsightDailyRow, [])).one())


def grain(flt: InteractionQuery) -> str:
    """Days for a period up to ~6 weeks, weeks up to ~7 months, months beyond."""
    n = period(flt).count()
    return "day" if n <= 45 else "week" if n <= 210 else "month"


def _bucket_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _bucket_end(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=6)
    if unit == "month":
        return next_month(start) - timedelta(days=1)
    return start


def trend(session: Session, flt: InteractionQuery, unit: str | None = None) -> list[TrendPoint]:
    """Totals per day, week or month of the period (periods without interactions included, as zeros)."""
    unit = unit or grain(flt)
    # a month's row stands for the month (keyed by its first day); days and weeks need day rows
    query = _grouped(flt, InsightDailyRow, [DATE], months=unit == "month")
    by_date = {row[0]: _totals(row, 1) for row in session.execute(query)}
    points: dict[date, Totals] = {}
    days = period(flt)
    day = days.first
    while day <= days.last:
        start = _bucket_start(day, unit)
        points[start] = points.get(start, Totals()) + by_date.get(day, Totals())
        day += timedelta(days=1)
    return [
        TrendPoint(max(start, days.first), min(_bucket_end(start, unit), days.last), totals)
        for start, totals in sorted(points.items())
    ]


def score_distribution(session: Session, flt: InteractionQuery) -> list[int]:
    """How many scored interactions fall in 0–10, 10–20, … 90–100."""
    if flt.agent is not None or not _official(flt):
        score = _fact_scores(flt)[0]
        bucket = case(*((score < (b + 1) * 10, b) for b in range(9)), else_=9)
        query = select(bucket, func.count()).where(*conditions(flt, F), score.is_not(None)).group_by(bucket)
        counts = [0] * 10
        for b, n in session.execute(query):
            counts[int(b)] = int(n)
        return counts
    return [int(v) for v in session.execute(rollup_query(flt, InsightDailyRow, [], _buckets)).one()]


def _buckets(table: Any) -> list[ColumnElement[Any]]:
    return [func.coalesce(func.sum(getattr(table, f"h{b}")), 0) for b in range(10)]


def volume(session: Session, flt: InteractionQuery, key: str) -> list[tuple[str, Totals]]:
    """Totals per channel, team, language, queue, tenure band or contact reason, the largest first."""
    if key not in VOLUME_KEYS:
        raise ValueError(f"volume by '{key}': choose one of {', '.join(VOLUME_KEYS)}")
    if key in ("channel", "team") or flt.agent is not None or not _official(flt):
        rows = session.execute(_grouped(flt, InsightDailyRow, [key]))
    else:
        rows = session.execute(rollup_query(flt, InsightVolumeRow, ["value"], _totals_columns, dimension=key))
    return sorted(((row[0], _totals(row, 1)) for row in rows), key=lambda kv: (-kv[1].n, kv[0]))


def heat_map(session: Session, flt: InteractionQuery) -> HeatMap:
    out = HeatMap()
    for row in session.execute(_grouped(flt, InsightHourlyRow, ["weekday", "hour"])):
        out.cells[int(row[0])][int(row[1])] = _totals(row, 2)
    return out


def agents(session: Session, flt: InteractionQuery) -> list[AgentLine]:
    """Each agent's totals over the period, the lowest mean score first (unscored agents last)."""
    rows = session.execute(_grouped(flt, InsightAgentRow, ["agent", "team"]))
    lines = [AgentLine(row[0], row[1], _totals(row, 2)) for row in rows]
    return sorted(lines, key=lambda a: (a.totals.mean_score is None, a.totals.mean_score or 0, a.agent))


def _rates_from_masks(session: Session, flt: InteractionQuery) -> list[tuple[str, int, int, int]] | None:
    """Pass / fail / n-a per criterion summed from the facts' criterion masks (the AI's for the AI-only
    view) in one pass; None when a criterion has no slot (more than the slots: read the results)."""
    s = InsightCriterionSlotRow
    found: dict[str, int | None] = {c: slot for c, slot in session.execute(select(s.criterion, s.slot))}
    if any(slot is None for slot in found.values()):
        return None
    slots = {criterion: int(slot) for criterion, slot in found.items() if slot is not None}
    prefix = "criteria_ai_" if flt.basis == "ai" else "criteria_"
    masks = [getattr(F, prefix + kind) for kind in ("judged", "failed", "na")]
    ordered = sorted(slots.items(), key=lambda kv: kv[1])
    columns = [
        func.coalesce(func.sum(mask.bitwise_rshift(slot).bitwise_and(1)), 0)
        for _, slot in ordered
        for mask in masks
    ]
    if not columns:
        return []
    row = session.execute(select(*columns).where(*conditions(flt, F))).one()
    out = []
    for i, (criterion, _) in enumerate(ordered):
        judged, failed, na = (int(v) for v in row[3 * i : 3 * i + 3])
        if judged or na:
            out.append((criterion, judged - failed, failed, na))
    return out


def criterion_rates(session: Session, flt: InteractionQuery) -> list[CriterionRate]:
    """Pass / fail / n-a counts per criterion, the most often failed first: from the roll-ups, or from the
    facts' criterion masks for one agent and the AI-only / reviewed-only views."""
    from_facts = flt.agent is not None or not _official(flt)
    counts = _rates_from_masks(session, flt) if from_facts else None
    if counts is None:
        query = _criterion_counts_query(flt) if from_facts else None
        query = (
            query
            if query is not None
            else rollup_query(flt, InsightCriterionRow, ["criterion"], _outcome_counts)
        )
        counts = [(str(c), int(p), int(f), int(n)) for c, p, f, n in session.execute(query)]
    titles = criterion_titles(session, [c for c, *_ in counts])
    rates = [CriterionRate(c, titles.get(c, c), p, f, n) for c, p, f, n in counts]
    return sorted(rates, key=lambda r: (-(r.fail_rate or 0), -r.failed, r.criterion))


def _criterion_counts_query(flt: InteractionQuery) -> Select[str, Any, Any, Any]:
    """Pass / fail / n-a per criterion from the criterion results of the query's facts (a criterion
    beyond the facts' slots)."""
    r = CriterionResultRow
    outcome = func.coalesce(r.ai_outcome, r.outcome) if flt.basis == "ai" else r.outcome
    return (
        select(
            r.criterion,
            func.sum(case((outcome == "pass", 1), else_=0)),
            func.sum(case((outcome == "fail", 1), else_=0)),
            func.sum(case((outcome == "n/a", 1), else_=0)),
        )
        .join(F, F.evaluation_id == r.evaluation_id)
        .where(*conditions(flt, F))
        .group_by(r.criterion)
    )


def _outcome_counts(table: Any) -> list[ColumnElement[Any]]:
    return [func.sum(table.passed), func.sum(table.failed), func.sum(table.na)]


def criterion_titles(session: Session, criteria: Sequence[str]) -> dict[str, str]:
    """Each criterion's title as the latest evaluation has it (older criteria: their own latest row)."""
    latest = session.scalar(
        select(EvaluationRow.id)
        .where(EvaluationRow.is_current.is_(True))
        .order_by(EvaluationRow.id.desc())
        .limit(1)
    )
    rows = session.execute(
        select(CriterionResultRow.criterion, CriterionResultRow.title).where(
            CriterionResultRow.evaluation_id == latest
        )
    )
    out = {criterion: title for criterion, title in rows}
    for criterion in set(criteria) - set(out):
        title = session.scalar(
            select(CriterionResultRow.title)
            .where(CriterionResultRow.criterion == criterion)
            .order_by(CriterionResultRow.id.desc())
            .limit(1)
        )
        out[criterion] = title or criterion
    return out


def teams_in(session: Session, flt: InteractionQuery) -> list[str]:
    """Teams with interactions in the period (within scope): the choices of the team filter."""
    t = InsightDailyRow
    days = period(flt)
    where = [t.day >= days.first, t.day <= days.last]
    if flt.teams is not None:
        where.append(t.team.in_(sorted(flt.teams)))
    return [team for team in session.scalars(select(t.team).where(*where).distinct().order_by(t.team))]


def agent_team(session: Session, agent: str) -> str | None:
    """The team an agent's latest interaction was in (whose supervisor sees the agent's dashboard)."""
    query = select(F.team).where(F.agent == agent).order_by(F.day.desc()).limit(1)
    return session.scalar(query) or None
