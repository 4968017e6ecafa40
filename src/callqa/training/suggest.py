"""Scenarios worth building, from recurring failures: per criterion × contact reason over a period, how often
the criterion failed in current evaluations and how many agents it affected, with the interaction whose
failure is clearest (evidence quoted, highest confidence) to build the scenario from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.training.models import ScenarioRow

DEFAULT_DAYS = 90
MAX_SUGGESTIONS = 100
_CANDIDATES = 50  # failures read to pick the clearest one


@dataclass(frozen=True)
class Suggestion:
    criterion: str
    criterion_title: str
    reason: str  # '' = no reason recognised
    reason_title: str
    failures: int
    agents: int
    interaction_id: int  # the most representative failure
    confidence: float
    scenario_id: int | None = None  # a scenario already built for this criterion and reason

    def as_json(self) -> dict[str, object]:
        return {
            "criterion": self.criterion,
            "criterion_title": self.criterion_title,
            "reason": self.reason,
            "reason_title": self.reason_title,
            "failures": self.failures,
            "agents": self.agents,
            "interaction_id": self.interaction_id,
            "confidence": self.confidence,
            "scenario_id": self.scenario_id,
        }


@dataclass(frozen=True)
class Period:
    since: date
    until: date

    def as_json(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


def period_of(session: Session, since: date | None, until: date | None, days: int = DEFAULT_DAYS) -> Period:
    """The period asked for; by default the last ``days`` days up to the newest interaction."""
    if until is None:
        newest = session.scalar(select(func.max(InteractionRow.started_at)))
        until = newest.date() if newest is not None else datetime.now(UTC).date()
    since = since or until - timedelta(days=days - 1)
    if since > until:
        raise CallqaError(ErrorCode.T109, field="since", bound=f"on or before {until}", value=since)
    return Period(since, until)


def checked_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise CallqaError(ErrorCode.T109, field="limit", bound=f"1–{MAX_SUGGESTIONS}", value=limit)
    return limit


def _failed(scorecard: str, period: Period) -> Subquery:
    """Every failed criterion result of a current evaluation in the period, with its interaction's agent
    and contact reason (a subquery: PostgreSQL groups by its plain columns, not by repeated expressions)."""
    start = datetime.combine(period.since, time.min, UTC)
    end = datetime.combine(period.until + timedelta(days=1), time.min, UTC)
    return (
        select(
            CriterionResultRow.criterion.label("criterion"),
            func.coalesce(AnalysisRow.data["reason"]["id"].as_string(), "").label("reason"),
            CriterionResultRow.title.label("title"),
            AnalysisRow.data["reason"]["title"].as_string().label("reason_title"),
            InteractionRow.agent.label("agent"),
            InteractionRow.id.label("interaction_id"),
            CriterionResultRow.confidence.label("confidence"),
            CriterionResultRow.evidence.label("evidence"),
        )
        .select_from(CriterionResultRow)
        .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
        .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
        .outerjoin(AnalysisRow, AnalysisRow.interaction_id == InteractionRow.id)
        .where(
            EvaluationRow.is_current.is_(True),
            EvaluationRow.scorecard_name == scorecard,
            CriterionResultRow.outcome == "fail",
            InteractionRow.started_at >= start,
            InteractionRow.started_at < end,
        )
        .subquery("failed")
    )


def suggestions(session: Session, *, scorecard: str, period: Period, limit: int = 10) -> list[Suggestion]:
    """The top ``limit`` criterion × reason pairs by failures (then agents affected), each with the clearest
    failure to build from."""
    checked_limit(limit)
    failed = _failed(scorecard, period)
    failures, agents = func.count(), func.count(func.distinct(failed.c.agent))
    counted = session.execute(
        select(
            failed.c.criterion,
            failed.c.reason,
            func.max(failed.c.title),
            func.max(failed.c.reason_title),
            failures,
            agents,
        )
        .group_by(failed.c.criterion, failed.c.reason)
        .order_by(failures.desc(), agents.desc(), failed.c.criterion, failed.c.reason)
        .limit(limit)
    ).all()
    built = _built(session, scorecard)
    found = []
    for criterion, reason, title, reason_title, n, people in counted:
        ident, confidence = _clearest(session, failed, criterion, reason)
        found.append(
            Suggestion(
                criterion=criterion,
                criterion_title=title or criterion,
                reason=reason or "",
                reason_title=reason_title or reason or "",
                failures=int(n),
                agents=int(people),
                interaction_id=ident,
                confidence=confidence,
                scenario_id=built.get((criterion, reason or "")),
            )
        )
    return found


def _clearest(session: Session, failed: Subquery, criterion: str, reason: str) -> tuple[int, float]:
    rows = session.execute(
        select(failed.c.interaction_id, failed.c.confidence, failed.c.evidence)
        .where(failed.c.criterion == criterion, failed.c.reason == reason)
        .order_by(failed.c.confidence.desc(), failed.c.interaction_id)
        .limit(_CANDIDATES)
    ).all()
    found = [(int(r[0]), float(r[1]), bool(r[2])) for r in rows]
    ident, confidence, _ = min(found, key=lambda r: (not r[2], -r[1], r[0]))
    return ident, confidence


def _built(session: Session, scorecard: str) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(ScenarioRow.criterion, ScenarioRow.reason, func.max(ScenarioRow.id))
        .where(
            ScenarioRow.scorecard == scorecard,
            ScenarioRow.state == "active",
            ScenarioRow.criterion.is_not(None),
        )
        .group_by(ScenarioRow.criterion, ScenarioRow.reason)
    ).all()
    return {(str(c), r or ""): int(i) for c, r, i in rows}
