"""Which interactions people should review: sampling strategies over current evaluations.

Strategies: ``random`` (a percentage, seeded), ``low_score``, ``low_confidence`` (any applicable criterion
below a confidence), ``auto_fail`` (named by the failed critical criterion), ``negative_sentiment`` (the
customer's overall sentiment), ``csat_disagreement`` (high score but unhappy customer, or low score but happy
customer), ``new_agents`` (agents hired recently). Each ranks its candidates, most telling first; how the
queue's slots are shared among them is ``review.slots``. Interactions already reviewed, or waiting in a
queue, are not picked again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.review.models import QueueItemRow, ReviewRow
from callqa.review.queue_spec import QueueSpec, Strategy
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

DEFAULT_BELOW: dict[str, float] = {"low_score": 70.0, "low_confidence": 0.6, "negative_sentiment": -0.3}


@dataclass(frozen=True)
class Candidate:
    interaction_id: int
    evaluation_id: int
    agent: str | None
    started_at: datetime | None
    score: float | None
    auto_failed: bool
    csat: float | None
    csat_scale: int | None
    min_confidence: float | None


@dataclass(frozen=True)
class Pick:
    interaction_id: int
    reason: str
    detail: str  # in English (the API, older items); pages word ``params`` in the reader's language
    params: dict[str, Any] = field(default_factory=dict)


def candidates(session: Session, spec: QueueSpec) -> list[Candidate]:
    """Current evaluations of the period not yet reviewed and not waiting in any queue, oldest first."""
    confidence = (
        select(CriterionResultRow.evaluation_id, func.min(CriterionResultRow.confidence).label("low"))
        .where(CriterionResultRow.outcome != "n/a")
        .group_by(CriterionResultRow.evaluation_id)
        .subquery()
    )
    reviewed = select(ReviewRow.evaluation_id)
    waiting = select(QueueItemRow.interaction_id).where(QueueItemRow.done_at.is_(None))
    query = (
        select(
            InteractionRow.id,
            EvaluationRow.id.label("evaluation_id"),
            InteractionRow.agent,
            InteractionRow.started_at,
            InteractionRow.csat,
            InteractionRow.csat_scale,
            EvaluationRow.score,
            EvaluationRow.auto_failed,
            confidence.c.low,
        )
        .join(
            EvaluationRow,
            and_(EvaluationRow.interaction_id == InteractionRow.id, EvaluationRow.is_current.is_(True)),
        )
        .outerjoin(confidence, confidence.c.evaluation_id == EvaluationRow.id)
        .where(
            EvaluationRow.scorecard_name == spec.scorecard,
            EvaluationRow.id.not_in(reviewed),
            InteractionRow.id.not_in(waiting),
        )
        .order_by(InteractionRow.started_at, InteractionRow.id)
    )
    if spec.since is not None:
        query = query.where(InteractionRow.started_at >= spec.since)
    if spec.until is not None:
        query = query.where(InteractionRow.started_at < spec.until)
    for column, values in (
        (InteractionRow.team, spec.teams),
        (InteractionRow.agent, spec.agents),
        (InteractionRow.channel, spec.channels),
    ):
        if values:
            query = query.where(column.in_(values))
    return [
        Candidate(
            r.id,
            r.evaluation_id,
            r.agent,
            r.started_at,
            r.score,
            bool(r.auto_failed),
            r.csat,
            r.csat_scale,
            r.low,
        )
        for r in session.execute(query)
    ]


def _customer_sentiment(session: Session, ids: list[int]) -> dict[int, float]:
    out: dict[int, float] = {}
    for interaction_id, data in session.execute(
        select(AnalysisRow.interaction_id, AnalysisRow.data).where(AnalysisRow.interaction_id.in_(ids))
    ):
        overall = ((data or {}).get("sentiment") or {}).get("customer", {}).get("overall")
        if isinstance(overall, int | float):
            out[interaction_id] = float(overall)
    return out


def _new_agents(session: Session, days: int, today: date) -> set[str]:
    since = today - timedelta(days=days)
    query = select(UserRow.agent_name).where(
        UserRow.role == UserRole.AGENT.value, UserRow.hired_on.is_not(None), UserRow.hired_on >= since
    )
    return {name for name in session.scalars(query) if name}


def _csat_share(c: Candidate) -> float | None:
    if c.csat is None:
        return None
    return c.csat / float(c.csat_scale or 5)


def _critical_failures(session: Session, evaluation_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Each evaluation's failed critical criteria: (id, title), in scorecard order."""
    out: dict[int, list[tuple[str, str]]] = {}
    query = (
        select(CriterionResultRow.evaluation_id, CriterionResultRow.criterion, CriterionResultRow.title)
        .where(
            CriterionResultRow.evaluation_id.in_(evaluation_ids),
            CriterionResultRow.critical.is_(True),
            CriterionResultRow.outcome == "fail",
        )
        .order_by(CriterionResultRow.id)
    )
    for evaluation_id, criterion, title in session.execute(query):
        out.setdefault(evaluation_id, []).append((criterion, title or criterion))
    return out


def _auto_fail(session: Session, pool: list[Candidate]) -> list[Pick]:
    failed = [c for c in pool if c.auto_failed]
    named = _critical_failures(session, [c.evaluation_id for c in failed])
    out = []
    for c in failed:
        criteria = named.get(c.evaluation_id)
        if not criteria:
            out.append(Pick(c.interaction_id, "auto_fail", "a critical criterion failed"))
            continue
        (criterion, title), more = criteria[0], len(criteria) - 1
        detail = f"Failed critical criterion '{title}'" + (f" (and {more} more)" if more else "")
        params = {"criterion": criterion, "title": title, "more": more}
        out.append(Pick(c.interaction_id, "auto_fail", detail, params))
    return out


def picks_for(session: Session, strategy: Strategy, pool: list[Candidate], rng: random.Random) -> list[Pick]:
    """What one strategy picks from the pool, most telling first."""
    kind, below = (
        strategy.kind,
        strategy.below if strategy.below is not None else DEFAULT_BELOW.get(strategy.kind),
    )
    if kind == "random":
        count = round(len(pool) * strategy.percent / 100)
        chosen = rng.sample(pool, min(len(pool), max(count, 1 if pool else 0)))
        detail = f"random {strategy.percent:g} %"
        return [Pick(c.interaction_id, kind, detail, {"percent": strategy.percent}) for c in chosen]
    if kind == "low_score":
        low = sorted(
            (c for c in pool if c.score is not None and c.score < (below or 0)), key=lambda c: c.score or 0
        )
        return [
            Pick(
                c.interaction_id,
                kind,
                f"score {c.score:.0f}, below {below:g}",
                {"score": round(c.score or 0), "below": f"{below:g}"},
            )
            for c in low
        ]
    if kind == "low_confidence":
        unsure = sorted(
            (c for c in pool if c.min_confidence is not None and c.min_confidence < (below or 0)),
            key=lambda c: c.min_confidence or 0,
        )
        return [
            Pick(
                c.interaction_id,
                kind,
                f"confidence {c.min_confidence:.2f}",
                {"confidence": f"{c.min_confidence:.2f}"},
            )
            for c in unsure
        ]
    if kind == "auto_fail":
        return _auto_fail(session, pool)
    if kind == "negative_sentiment":
        feeling = _customer_sentiment(session, [c.interaction_id for c in pool])
        sad = sorted((i for i, v in feeling.items() if v < (below or 0)), key=lambda i: feeling[i])
        return [
            Pick(i, kind, f"customer sentiment {feeling[i]:+.2f}", {"sentiment": f"{feeling[i]:+.2f}"})
            for i in sad
        ]
    if kind == "csat_disagreement":
        return _csat_disagreements(strategy, pool)
    agents = _new_agents(session, strategy.days, datetime.now(UTC).date())
    return [
        Pick(c.interaction_id, kind, f"new agent {c.agent}", {"agent": c.agent})
        for c in pool
        if c.agent in agents
    ]


def _csat_disagreements(strategy: Strategy, pool: list[Candidate]) -> list[Pick]:
    out = []
    for c in pool:
        share = _csat_share(c)
        if share is None or c.score is None:
            continue
        params = {"score": round(c.score), "csat": f"{c.csat:g}", "scale": c.csat_scale or 5}
        if c.score >= strategy.high and share <= 0.4:
            detail = f"score {c.score:.0f} but CSAT {c.csat:g}/{c.csat_scale}"
            out.append(Pick(c.interaction_id, "csat_disagreement", detail, params))
        elif c.score < strategy.low and share >= 0.8:
            detail = f"score {c.score:.0f} yet CSAT {c.csat:g}/{c.csat_scale}"
            out.append(Pick(c.interaction_id, "csat_disagreement", detail, params))
    return out


def mark_reviewed(session: Session, interaction_id: int) -> None:
    """Queue items for this interaction are done (its review was shared)."""
    for item in session.scalars(
        select(QueueItemRow).where(
            QueueItemRow.interaction_id == interaction_id, QueueItemRow.done_at.is_(None)
        )
    ):
        item.done_at = datetime.now(UTC)
