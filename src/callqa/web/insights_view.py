"""What the dashboard page shows: the filter read from the query string within the viewer's scope, the
figures, and charts whose every mark drills down to the interactions behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.insights import charts, dashboard
from callqa.insights.charts import Mark
from callqa.insights.dashboard import DashboardFilter, Totals
from callqa.insights.models import InsightFactRow
from callqa.interactions.search import DEFAULT_SCORECARD
from callqa.users.schemas import Actor, UserRole

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 90
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Drill:
    """Builds links to the interaction list for the dashboard's filter plus one mark's own condition."""

    flt: DashboardFilter
    zone: ZoneInfo
    scorecard: str

    def __call__(self, since: date | None = None, until: date | None = None, **extra: Any) -> str:
        return self.link(since, until, extra)

    def link(self, since: date | None, until: date | None, extra: Mapping[str, Any]) -> str:
        start = since or self.flt.since
        end = (until or self.flt.until) + timedelta(days=1)
        params: dict[str, str] = {
            "since": datetime.combine(start, time(), self.zone).isoformat(),
            "until": datetime.combine(end, time(), self.zone).isoformat(),
        }
        for key in ("team", "agent", "channel"):
            value = getattr(self.flt, key)
            if value is not None:
                params[key] = value
        if self.scorecard != DEFAULT_SCORECARD:
            params["scorecard"] = self.scorecard
        params.update({k: str(v) for k, v in extra.items() if v is not None})
        return "/interactions?" + urlencode(params)

    def only(self, key: str, value: str) -> str:
        """The link for one value of a key ('' = interactions without one cannot be listed: no link)."""
        return self.link(None, None, {key: value}) if value else ""


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: '{value}' is not a date (YYYY-MM-DD)") from None


def read_filter(
    session: Session, actor: Actor, params: Mapping[str, str], *, today: date, low_score: float
) -> DashboardFilter:
    """The dashboard filter of the query string, narrowed to what ``actor`` may see (404 beyond it)."""
    period = params.get("period", "").strip()
    days = int(period) if period.isdigit() and int(period) > 0 else DEFAULT_PERIOD
    until = _day("until", params["until"]) if params.get("until", "").strip() else today
    since = _day("since", params["since"]) if params.get("since", "").strip() else until - timedelta(days - 1)
    if since > until:
        raise HTTPException(422, f"since: {since} is after until {until}")
    team = params.get("team", "").strip() or None
    agent = params.get("agent", "").strip() or None
    channel = params.get("channel", "").strip() or None
    if actor.role is UserRole.AGENT:
        agent = actor.agent_name or "\0"  # an agent's dashboard is their own
    teams = frozenset(actor.led_teams) if actor.role is UserRole.SUPERVISOR else None
    owner = None
    if agent is not None:
        owner = Owner(agent=agent, team=_team_of(session, agent))
    elif team is not None:
        owner = Owner(agent=None, team=team)
    if not allowed(actor, Action.INSIGHTS_VIEW, owner):
        raise HTTPException(404, "not found")
    return DashboardFilter(since, until, team, agent, channel, teams, low_score)


def _team_of(session: Session, agent: str) -> str | None:
    query = (
        select(InsightFactRow.team).where(InsightFactRow.agent == agent).order_by(InsightFactRow.day.desc())
    )
    return session.scalar(query.limit(1)) or None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _tip(label: str, t: Totals) -> str:
    return f"{label}: mean score {_num(t.mean_score)} of {t.scored} scored, {t.n} interactions"


def dashboard_view(session: Session, flt: DashboardFilter, drill: Drill) -> dict[str, Any]:
    """Every figure and chart of the dashboard page (and of the HTML/PDF report)."""
    unit = dashboard.grain(flt)
    points = dashboard.trend(session, flt, unit)
    trend_marks = [
        Mark(
            p.start.strftime("%m-%d") if unit != "month" else p.start.strftime("%Y-%m"),
            p.totals.mean_score,
            _tip(f"{p.start}–{p.end}", p.totals),
            drill(p.start, p.end),
        )
        for p in points
    ]
    volume_marks = [
        Mark(
            p.start.strftime("%m-%d") if unit != "month" else p.start.strftime("%Y-%m"),
            p.totals.n,
            f"{p.start}–{p.end}: {p.totals.n} interactions",
            drill(p.start, p.end),
        )
        for p in points
    ]
    rates = dashboard.criterion_rates(session, flt)
    failure_marks = [
        Mark(
            r.title,
            r.fail_rate,
            f"{r.title}: failed {r.failed} of {r.passed + r.failed} judged ({r.na} not applicable)",
            drill(failed=r.criterion),
        )
        for r in rates
        if r.fail_rate is not None
    ]
    histogram = dashboard.score_distribution(session, flt)
    histogram_marks = [
        Mark(
            f"{b * 10}–{b * 10 + 10}",
            n,
            f"{n} interactions scored {b * 10}–{b * 10 + 10}",
            drill(min_score=b * 10, max_score=b * 10 + (10 if b == 9 else 9.99)),
        )
        for b, n in enumerate(histogram)
    ]
    volumes = {
        key: charts.bar_chart(
            [
                Mark(value or "(none)", t.n, _tip(value or "(none)", t), drill.only(key, value))
                for value, t in dashboard.volume(session, flt, key)[:12]
            ],
            label=f"volume by {key}",
            test=f"volume-{key}",
        )
        for key in ("channel", "language", "queue")
    }
    heat = dashboard.heat_map(session, flt)
    heat_cells = [
        [
            Mark(
                f"{WEEKDAYS[d]} {h:02d}",
                heat.cells[d][h].n,
                f"{WEEKDAYS[d]} {h:02d}:00: {heat.cells[d][h].n} interactions, "
                f"mean score {_num(heat.cells[d][h].mean_score)}, low {_pct(heat.cells[d][h].low_rate)}",
                drill(weekday=d, hour=h),
            )
            for h in range(24)
        ]
        for d in range(7)
    ]
    totals = dashboard.summary(session, flt)
    lines = dashboard.agents(session, flt) if flt.agent is None else []
    return {
        "totals": totals,
        "unit": unit,
        "trend_chart": charts.line_chart(trend_marks, label="mean score over time", test="trend"),
        "volume_chart": charts.column_chart(volume_marks, label="interactions over time", test="volume"),
        "failure_chart": charts.bar_chart(
            failure_marks, label="criterion failure rates", test="failures", percent=True
        ),
        "rates": rates,
        "histogram_chart": charts.column_chart(histogram_marks, label="score distribution", test="histogram"),
        "volumes": volumes,
        "heat_chart": charts.heat_map(
            WEEKDAYS, [f"{h:02d}" for h in range(24)], heat_cells, label="hour × weekday", test="heatmap"
        ),
        "agents": lines,
        "drill": drill,
        "pct": _pct,
        "num": _num,
    }
