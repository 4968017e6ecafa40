"""What a review queue is built from (strategies with shares, scope, analysts with quotas, due date), and the
checks that refuse a bad one with a coded error naming the field, before anything is stored."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow
from callqa.review.slots import split
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

# In the form's order, which is also the order strategies pick in when their candidates overlap: an
# auto-failed interaction (score 0) is picked for its failed criterion before it counts as a low score.
Kind = Literal[
    "auto_fail",
    "low_score",
    "low_confidence",
    "negative_sentiment",
    "csat_disagreement",
    "new_agents",
    "random",
]
KINDS: tuple[str, ...] = get_args(Kind)
MAX_QUOTA = 1000
REVIEWERS = (UserRole.QA_ANALYST.value, UserRole.ADMIN.value)


class Strategy(BaseModel):
    """One way of picking interactions; ``share`` is its percentage of the queue's slots (empty: an equal
    part of what the others leave), ``limit`` caps how many it contributes."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    share: float | None = Field(default=None, description="percent of the slots (empty: equal parts)")
    percent: float = Field(default=5.0, gt=0, le=100, description="random: share of interactions")
    below: float | None = Field(default=None, description="low_score / low_confidence / negative_sentiment")
    high: float = Field(default=80.0, description="csat_disagreement: a score at least this is 'high'")
    low: float = Field(default=60.0, description="csat_disagreement: a score below this is 'low'")
    days: int = Field(default=90, ge=1, description="new_agents: hired within this many days")
    limit: int | None = Field(default=None, ge=1)

    @field_validator("kind")
    @classmethod
    def _known(cls, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(str(CallqaError(ErrorCode.V132, kind=kind, known=", ".join(KINDS))))
        return kind


class AnalystQuota(BaseModel):
    """An analyst and how many of the queue's interactions they review (empty: the queue's ``quota``)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=128)
    quota: int | None = None


class QueueSpec(BaseModel):
    """A review queue to build: strategies, scope, the analysts sharing it, quotas and the due date.

    ``quota`` is each analyst's share unless the analyst has their own; ``total`` (when given without
    per-analyst quotas) is split among the analysts evenly instead."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    strategies: list[Strategy] = Field(min_length=1)
    analysts: list[str | AnalystQuota] = Field(min_length=1, description="QA analysts (or admins)")
    quota: int = Field(default=10, description="interactions per analyst")
    total: int | None = Field(default=None, description="interactions in all, split among the analysts")
    due: date | None = None
    teams: list[str] = Field(default_factory=list)
    agents: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    scorecard: str = DEFAULT_SCORECARD
    seed: int | None = Field(default=None, description="fix the random draw (default: a new one, then kept)")

    def assignments(self) -> list[AnalystQuota]:
        """Every analyst once, with the quota given (None: not given)."""
        seen: dict[str, AnalystQuota] = {}
        for entry in self.analysts:
            one = AnalystQuota(username=entry) if isinstance(entry, str) else entry
            seen.setdefault(one.username, one)
        return list(seen.values())


def check_spec(
    session: Session, spec: QueueSpec, *, today: date | None = None, due_before: date | None = None
) -> list[tuple[int, int]]:
    """Refuse a bad spec (coded V13x error naming the field); the analysts' (user id, quota) otherwise.
    ``due_before``: the queue's due date before an edit (keeping a past due date is not refused)."""
    _check_numbers(spec)
    _check_shares(spec)
    today = today or datetime.now(UTC).date()
    if spec.due is not None and spec.due < today and spec.due != due_before:
        raise CallqaError(ErrorCode.V133, queue=spec.name, due=spec.due.isoformat(), today=today.isoformat())
    if spec.since and spec.until and spec.until <= spec.since:
        raise CallqaError(
            ErrorCode.V130, queue=spec.name, field="until", reason="the period ends before it starts"
        )
    _check_scope(session, spec)
    return _analyst_quotas(session, spec)


def _check_numbers(spec: QueueSpec) -> None:
    def refuse(field: str, value: object, what: str) -> CallqaError:
        return CallqaError(ErrorCode.V130, queue=spec.name, field=field, reason=f"{value} is not {what}")

    whole = f"a whole number from 0 to {MAX_QUOTA}"
    if not 0 <= spec.quota <= MAX_QUOTA:
        raise refuse("quota", spec.quota, whole)
    if spec.total is not None and not 1 <= spec.total <= MAX_QUOTA * 10:
        raise refuse("total", spec.total, f"a whole number from 1 to {MAX_QUOTA * 10}")
    for one in spec.assignments():
        if one.quota is not None and not 0 <= one.quota <= MAX_QUOTA:
            raise refuse(f"analysts.{one.username}.quota", one.quota, whole)


def _check_shares(spec: QueueSpec) -> None:
    given = [s.share for s in spec.strategies if s.share is not None]
    shown = ", ".join("–" if s.share is None else f"{s.share:g}" for s in spec.strategies)

    def refuse(reason: str) -> CallqaError:
        return CallqaError(ErrorCode.V134, queue=spec.name, shares=shown, reason=reason)

    if any(not 0 < share <= 100 for share in given):
        raise refuse("must each be a percentage above 0 and at most 100")
    if sum(given) > 100.5:
        raise refuse(f"sum to {sum(given):g} %, more than 100 %")
    if len(given) == len(spec.strategies) and abs(sum(given) - 100) > 0.5:
        raise refuse(f"sum to {sum(given):g} %; make them sum to 100 %, or leave some empty for equal parts")
    if len(given) < len(spec.strategies) and sum(given) >= 99.5:
        raise refuse("leave nothing for the strategies without a share; lower the others")
    kinds = [s.kind for s in spec.strategies]
    if len(set(kinds)) < len(kinds):
        twice = next(k for k in kinds if kinds.count(k) > 1)
        raise refuse(f"name the strategy '{twice}' twice; give it once with its share")


def shares_of(spec: QueueSpec) -> list[float]:
    """Each strategy's share of the slots in percent: as given, the rest split equally among the others."""
    given = [s.share for s in spec.strategies if s.share is not None]
    missing = len(spec.strategies) - len(given)
    rest = max(100.0 - sum(given), 0.0) / missing if missing else 0.0
    return [s.share if s.share is not None else rest for s in spec.strategies]


def _check_scope(session: Session, spec: QueueSpec) -> None:
    for field, column, values in (
        ("teams", InteractionRow.team, spec.teams),
        ("agents", InteractionRow.agent, spec.agents),
        ("channels", InteractionRow.channel, spec.channels),
    ):
        if not values:
            continue
        known = set(session.scalars(select(column).distinct().where(column.in_(values))))
        for value in values:
            if value not in known:
                raise CallqaError(
                    ErrorCode.V137,
                    queue=spec.name,
                    field=field,
                    value=value,
                    known=", ".join(scope_choices(session)[field][:20]) or "none",
                )


def scope_choices(session: Session) -> dict[str, list[str]]:
    """The teams, agents and channels in the stored interactions: the scope pick-lists."""
    out: dict[str, list[str]] = {}
    for field, column in (
        ("teams", InteractionRow.team),
        ("agents", InteractionRow.agent),
        ("channels", InteractionRow.channel),
    ):
        out[field] = sorted(v for v in session.scalars(select(column).distinct()) if v)
    return out


def reviewers(session: Session) -> dict[str, int]:
    """Active QA analysts and admins (who can be given reviews): username → user id."""
    query = select(UserRow.username, UserRow.id).where(UserRow.active.is_(True), UserRow.role.in_(REVIEWERS))
    return {name: uid for name, uid in session.execute(query.order_by(UserRow.username))}


def _analyst_quotas(session: Session, spec: QueueSpec) -> list[tuple[int, int]]:
    known = reviewers(session)
    people = spec.assignments()
    for one in people:
        if one.username not in known:
            raise CallqaError(ErrorCode.V131, queue=spec.name, username=one.username, known=", ".join(known))
    own = [one.quota for one in people]
    if spec.total is not None and all(q is None for q in own):
        quotas = split(spec.total, [1.0] * len(people))
    else:
        quotas = [spec.quota if q is None else q for q in own]
        if spec.total is not None and sum(quotas) != spec.total:
            raise CallqaError(
                ErrorCode.V130,
                queue=spec.name,
                field="total",
                reason=f"{spec.total} is not the sum of the analysts' quotas ({sum(quotas)}); leave one out",
            )
    if sum(quotas) == 0:
        raise CallqaError(ErrorCode.V130, queue=spec.name, field="quota", reason="every analyst's quota is 0")
    return [(known[one.username], quota) for one, quota in zip(people, quotas, strict=True)]
