"""What a quality report says: the period's figures against the previous period, the charts, the criteria
that failed most and how that changed, the agents, the lowest-scored interactions and the root causes of
low scores — for the whole centre, one team or one agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.calibration import ai_agreement
from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.query import Days, InteractionQuery
from callqa.core.settings import Settings
from callqa.insights import dashboard
from callqa.insights.causes import root_causes
from callqa.insights.dashboard import Totals, before, conditions
from callqa.insights.models import InsightFactRow
from callqa.insights.refresh import refreshed_at
from callqa.interactions.models import InteractionRow
from callqa.views.board import Drill, dashboard_view

Scope = Literal["centre", "team", "agent"]
LOWEST = 10
FINDINGS = 5


@dataclass(frozen=True)
class ReportRequest:
    scope: Scope
    subject: str | None  # the team or agent; None for the centre
    since: date
    until: date
    teams: frozenset[str] | None = None  # a supervisor's centre report covers their teams only

    def title(self) -> str:
        """The team or agent; a supervisor's centre report names their teams."""
        if self.subject:
            return self.subject
        return ", ".join(sorted(self.teams)) if self.teams else "Centre"

    def query(self) -> InteractionQuery:
        """The interactions the report covers."""
        return InteractionQuery(
            days=Days(self.since, self.until),
            team=self.subject if self.scope == "team" else None,
            agent=self.subject if self.scope == "agent" else None,
            teams=self.teams,
        )

    def slug(self) -> str:
        name = self.subject or "centre"
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
        return f"quality-{self.scope}-{safe}-{self.since}-{self.until}"


@dataclass(frozen=True)
class ReportSettings:
    zone: ZoneInfo
    scorecard: str = DEFAULT_SCORECARD
    low_score: float = 70.0
    public_url: str | None = None  # links to the web app; None: a report without links
    agreement_floor: float = 0.8

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportSettings:
        return cls(
            settings.zone(),
            settings.insights_scorecard,
            settings.insights_low_score,
            settings.public_url,
            settings.agreement_floor,
        )


def previous(since: date, until: date) -> tuple[date, date]:
    """The period of the same length just before."""
    earlier = Days(since, until).before()
    return earlier.first, earlier.last


def last_period(cadence: str, today: date) -> tuple[date, date]:
    """The last complete week (Monday–Sunday) or calendar month before ``today``."""
    if cadence == "weekly":
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    first = today.replace(day=1)
    end = first - timedelta(days=1)
    return end.replace(day=1), end


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def build_report(session: Session, request: ReportRequest, settings: ReportSettings) -> dict[str, Any]:
    """Everything the report template shows."""
    flt = request.query()
    earlier = before(flt)
    drill = Drill(flt, settings.zone, settings.scorecard, settings.public_url, settings.low_score)
    board = dashboard_view(session, flt, drill)
    now_totals: Totals = board["totals"]
    old_totals = dashboard.summary(session, earlier)
    old_rates = {r.criterion: r.fail_rate for r in dashboard.criterion_rates(session, earlier)}
    what, counts, drivers = root_causes(session, flt, "low_score")
    at = refreshed_at(session)
    return {
        **board,
        "request": request,
        "title": request.title(),
        "previous": previous(request.since, request.until),
        "before": old_totals,
        "changes": {
            "n": now_totals.n - old_totals.n,
            "mean_score": _delta(now_totals.mean_score, old_totals.mean_score),
            "low_rate": _delta(now_totals.low_rate, old_totals.low_rate),
            "auto_fail_rate": _delta(now_totals.auto_fail_rate, old_totals.auto_fail_rate),
            "mean_csat": _delta(now_totals.mean_csat, old_totals.mean_csat),
        },
        "criteria": [(r, _delta(r.fail_rate, old_rates.get(r.criterion))) for r in board["rates"]],
        "lowest": lowest_scored(session, flt, settings),
        "agreement": ai_agreement_rows(session, request, settings),
        "findings": [d.finding(what.label) for d in drivers[:FINDINGS]],
        "finding_drivers": drivers[:FINDINGS],  # worded in the report's language by the template
        "outcome_label": what.label,
        "compared": old_totals.n > 0,  # the previous period holds interactions to compare with
        "outcome_base": (counts.positives, counts.total),
        "generated_at": datetime.now(UTC).astimezone(settings.zone),
        "refreshed_at": at.astimezone(settings.zone) if at else None,
        "zone": settings.zone.key,
        "low_score": settings.low_score,
    }


def ai_agreement_rows(
    session: Session, request: ReportRequest, settings: ReportSettings
) -> list[tuple[ai_agreement.Agreement, bool]]:
    """The centre report's "how well the AI grades": per criterion of the report's scorecard, every label so
    far (reviews and calibration answers) and whether it is below the floor. Team and agent reports leave it
    out (it is about the AI, not the people)."""
    if request.scope != "centre":
        return []
    rows = ai_agreement.measure(ai_agreement.examples(session, scorecard=settings.scorecard), ["criterion"])
    return [(r, r.below(settings.agreement_floor)) for r in rows]


def lowest_scored(session: Session, flt: InteractionQuery, settings: ReportSettings) -> list[dict[str, Any]]:
    """The period's lowest-scored interactions (worth a listen), with a link when the app has an address."""
    f = InsightFactRow
    where = [*conditions(flt), f.score.is_not(None)]
    query = (
        select(
            f.interaction_id,
            f.day,
            f.agent,
            f.queue,
            f.channel,
            f.score,
            f.auto_failed,
            InteractionRow.external_id,
        )
        .join(InteractionRow, InteractionRow.id == f.interaction_id)
        .where(*where)
        .order_by(f.score, f.day.desc())
        .limit(LOWEST)
    )
    base = settings.public_url.rstrip("/") if settings.public_url else None
    return [
        {**row._asdict(), "href": f"{base}/interactions/{row.interaction_id}" if base else None}
        for row in session.execute(query)
    ]
