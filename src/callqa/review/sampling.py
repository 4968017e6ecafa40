"""Which interactions people should review: sampling strategies over current evaluations, and review queues
that share the picks out among analysts with a quota each.

Strategies (in the order given, first come first served; an interaction is picked once):
``random`` (a percentage, seeded), ``low_score``, ``low_confidence`` (any applicable criterion below a
confidence), ``auto_fail``, ``negative_sentiment`` (the customer's overall sentiment), ``csat_disagreement``
(high score but unhappy customer, or low score but happy customer), ``new_agents`` (agents hired recently).
Interactions already reviewed, or waiting in a queue, are not picked again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.review.models import QueueItemRow, QueueRow, ReviewRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

Kind = Literal[
    "random",
    "low_score",
    "low_confidence",
    "auto_fail",
    "negative_sentiment",
    "csat_disagreement",
    "new_agents",
]
DEFAULT_BELOW: dict[str, float] = {"low_score": 70.0, "low_confidence": 0.6, "negative_sentiment": -0.3}


class Strategy(BaseModel):
    """One way of picking interactions; ``limit`` caps how many this strategy contributes."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    percent: float = Field(default=5.0, gt=0, le=100, description="random: share of interactions")
    below: float | None = Field(default=None, description="low_score / low_confidence / negative_sentiment")
    high: float = Field(default=80.0, description="csat_disagreement: a score at least this is 'high'")
    low: float = Field(default=60.0, description="csat_disagreement: a score below this is 'low'")
    days: int = Field(default=90, ge=1, description="new_agents: hired within this many days")
    limit: int | None = Field(default=None, ge=1)


class QueueSpec(BaseModel):
    """A review queue to build: strategies, the analysts sharing it, and each one's quota."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    strategies: list[Strategy] = Field(min_length=1)
    analysts: list[str] = Field(min_length=1, description="usernames of QA analysts (or admins)")
    quota: int = Field(default=10, ge=1, le=1000, description="interactions per analyst")
    since: datetime | None = None
    until: datetime | None = None
    scorecard: str = DEFAULT_SCORECARD
    seed: int | None = Field(default=None, description="random: fix the draw (default: a new one each time)")


@dataclass(frozen=True)
class Candidate:
    interaction_id: int
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
    detail: str


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
    return [
        Candidate(r.id, r.agent, r.started_at, r.score, bool(r.auto_failed), r.csat, r.csat_scale, r.low)
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


def picks_for(session: Session, strategy: Strategy, pool: list[Candidate], rng: random.Random) -> list[Pick]:
    """What one strategy picks from the pool, most telling first."""
    kind, below = (
        strategy.kind,
        strategy.below if strategy.below is not None else DEFAULT_BELOW.get(strategy.kind),
    )
    if kind == "random":
        count = round(len(pool) * strategy.percent / 100)
        chosen = rng.sample(pool, min(len(pool), max(count, 1 if pool else 0)))
        return [Pick(c.interaction_id, kind, f"random {strategy.percent:g} %") for c in chosen]
    if kind == "low_score":
        low = sorted(
            (c for c in pool if c.score is not None and c.score < (below or 0)), key=lambda c: c.score or 0
        )
        return [Pick(c.interaction_id, kind, f"score {c.score:.0f}") for c in low]
    if kind == "low_confidence":
        unsure = sorted(
            (c for c in pool if c.min_confidence is not None and c.min_confidence < (below or 0)),
            key=lambda c: c.min_confidence or 0,
        )
        return [Pick(c.interaction_id, kind, f"confidence {c.min_confidence:.2f}") for c in unsure]
    if kind == "auto_fail":
        return [Pick(c.interaction_id, kind, "a critical criterion failed") for c in pool if c.auto_failed]
    if kind == "negative_sentiment":
        feeling = _customer_sentiment(session, [c.interaction_id for c in pool])
        sad = sorted((i for i, v in feeling.items() if v < (below or 0)), key=lambda i: feeling[i])
        return [Pick(i, kind, f"customer sentiment {feeling[i]:+.2f}") for i in sad]
    if kind == "csat_disagreement":
        out = []
        for c in pool:
            share = _csat_share(c)
            if share is None or c.score is None:
                continue
            if c.score >= strategy.high and share <= 0.4:
                out.append(
                    Pick(c.interaction_id, kind, f"score {c.score:.0f} but CSAT {c.csat:g}/{c.csat_scale}")
                )
            elif c.score < strategy.low and share >= 0.8:
                out.append(
                    Pick(c.interaction_id, kind, f"score {c.score:.0f} yet CSAT {c.csat:g}/{c.csat_scale}")
                )
        return out
    agents = _new_agents(session, strategy.days, datetime.now(UTC).date())
    return [Pick(c.interaction_id, kind, f"new agent {c.agent}") for c in pool if c.agent in agents]


def _analyst_ids(session: Session, usernames: list[str]) -> list[int]:
    rows = dict(
        (r.username, (r.id, r.role))
        for r in session.execute(
            select(UserRow.username, UserRow.id, UserRow.role).where(UserRow.active.is_(True))
        )
    )
    ids = []
    for name in dict.fromkeys(usernames):
        found = rows.get(name)
        if found is None or found[1] not in (UserRole.QA_ANALYST.value, UserRole.ADMIN.value):
            raise CallqaError(ErrorCode.R105, username=name)
        ids.append(found[0])
    return ids


def build_queue(session: Session, spec: QueueSpec, *, created_by: int | None) -> QueueRow:
    """Pick interactions by the strategies (in order, each interaction once) up to quota × analysts and
    assign them round-robin; the queue and its items are added to the session."""
    analysts = _analyst_ids(session, spec.analysts)
    pool = candidates(session, spec)
    rng = random.Random(spec.seed)
    picked: dict[int, Pick] = {}
    room = spec.quota * len(analysts)
    for strategy in spec.strategies:
        taken = 0
        for pick in picks_for(session, strategy, [c for c in pool if c.interaction_id not in picked], rng):
            if len(picked) >= room or (strategy.limit is not None and taken >= strategy.limit):
                break
            if pick.interaction_id not in picked:
                picked[pick.interaction_id] = pick
                taken += 1
    now = datetime.now(UTC)
    queue = QueueRow(name=spec.name, spec=spec.model_dump(mode="json"), created_by=created_by, created_at=now)
    session.add(queue)
    session.flush()
    for index, pick in enumerate(picked.values()):
        session.add(
            QueueItemRow(
                queue_id=queue.id,
                interaction_id=pick.interaction_id,
                reason=pick.reason,
                detail=pick.detail,
                assigned_to=analysts[index % len(analysts)],
                created_at=now,
            )
        )
    session.flush()
    return queue


def mark_reviewed(session: Session, interaction_id: int) -> None:
    """Queue items for this interaction are done (its review was shared)."""
    for item in session.scalars(
        select(QueueItemRow).where(
            QueueItemRow.interaction_id == interaction_id, QueueItemRow.done_at.is_(None)
        )
    ):
        item.done_at = datetime.now(UTC)
