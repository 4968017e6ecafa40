"""One flat fact per interaction: the keys insights group by and the outcomes they measure.

A fact is computed from the interaction, its current evaluation with the insights scorecard (and which of
its criteria passed or failed, failed, or did not apply, as bit masks over criterion slots), its analysis
(the customer's sentiment at the end), the agent's hire date (tenure) and the customer's other contacts
(recontact). Days, hours and weekdays are the centre's local time, so "Monday 9 o'clock" means what the
floor manager means by it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, insert, literal, select
from sqlalchemy.orm import Session

from callqa.insights.models import CRITERION_SLOTS, InsightCriterionSlotRow
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.users.models import UserRow

HANDLED = ("voice", "chat")  # an e-mail thread's span is days of waiting, not handle time
TENURE_BANDS = ("< 3 months", "3–12 months", "1–2 years", "2+ years")


@dataclass
class CriterionSlots:
    """Criterion → slot of the facts' masks and the roll-ups' ``c<slot>_…`` columns; a criterion met for
    the first time takes the next free slot, or none once all are taken (it is then counted from its
    results)."""

    slots: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> CriterionSlots:
        s = InsightCriterionSlotRow
        return cls(dict(session.execute(select(s.criterion, s.slot)).all()))

    def slot(self, session: Session, criterion: str) -> int | None:
        if criterion not in self.slots:
            taken = sum(slot is not None for slot in self.slots.values())
            self.slots[criterion] = taken if taken < CRITERION_SLOTS else None
            row = {"criterion": criterion, "slot": self.slots[criterion]}
            session.execute(insert(InsightCriterionSlotRow).values(row))
        return self.slots[criterion]


@dataclass(frozen=True)
class FactContext:
    zone: ZoneInfo
    scorecard: str
    recontact_days: int
    hired: dict[str, date]  # agent name → hire date
    slots: CriterionSlots
    low_score: float = 70.0  # a score below it is low

    @classmethod
    def load(
        cls, session: Session, *, zone: ZoneInfo, scorecard: str, recontact_days: int, low_score: float
    ) -> FactContext:
        rows = session.execute(
            select(UserRow.agent_name, UserRow.hired_on).where(
                UserRow.agent_name.is_not(None), UserRow.hired_on.is_not(None)
            )
        )
        hired = {r.agent_name: r.hired_on for r in rows}
        return cls(zone, scorecard, recontact_days, hired, CriterionSlots.load(session), low_score)


def tenure_band(hired: date | None, day: date) -> str:
    """The agent's tenure on ``day`` as a band a manager compares ('' when the hire date is unknown)."""
    if hired is None or day < hired:
        return ""
    months = (day - hired).days / 30.4375
    if months < 3:
        return TENURE_BANDS[0]
    if months < 12:
        return TENURE_BANDS[1]
    return TENURE_BANDS[2] if months < 24 else TENURE_BANDS[3]


def csat_on_five(csat: float | None, scale: int | None) -> float | None:
    """A CSAT answer on a 1..scale survey mapped onto 1..5 (4 of 10 → 2.33), so surveys can be pooled."""
    if csat is None:
        return None
    top = scale or 5
    if top == 5:
        return float(csat)
    return 1 + 4 * (max(1.0, float(csat)) - 1) / (top - 1)


def base_language(tag: str | None) -> str:
    """'zh-Hans' → 'zh': dashboards compare languages, not scripts."""
    return (tag or "").split("-")[0].lower()


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def build_facts(session: Session, ids: Sequence[int], ctx: FactContext) -> list[dict[str, Any]]:
    """Fact rows (as column mappings for ``insight_facts``) of the interactions ``ids``."""
    if not ids:
        return []
    current = and_(
        EvaluationRow.interaction_id == InteractionRow.id,
        EvaluationRow.is_current.is_(True),
        EvaluationRow.scorecard_name == ctx.scorecard,
    )
    sentiment_end = AnalysisRow.data["sentiment"]["customer"]["end"].as_float()
    sentiment = AnalysisRow.data["sentiment"]["customer"]["overall"].as_float()
    reason = AnalysisRow.data["reason"]["id"].as_string()
    query = (
        select(
            InteractionRow.id,
            InteractionRow.started_at,
            InteractionRow.created_at,
            InteractionRow.channel,
            InteractionRow.language,
            InteractionRow.queue,
            InteractionRow.team,
            InteractionRow.agent,
            InteractionRow.customer,
            InteractionRow.duration_ms,
            InteractionRow.csat,
            InteractionRow.csat_scale,
            InteractionRow.nps,
            EvaluationRow.id.label("evaluation_id"),
            EvaluationRow.score,
            EvaluationRow.auto_failed,
            EvaluationRow.ai_score,
            EvaluationRow.ai_auto_failed,
            EvaluationRow.review_state,
            sentiment.label("sentiment"),
            sentiment_end.label("sentiment_end"),
            reason.label("reason"),
        )
        .outerjoin(EvaluationRow, current)
        .outerjoin(AnalysisRow, AnalysisRow.interaction_id == InteractionRow.id)
        .where(InteractionRow.id.in_(list(ids)))
    )
    rows = session.execute(query).all()
    later = _later_contacts(session, {r.customer for r in rows if r.customer})
    evaluated = [r.evaluation_id for r in rows if r.evaluation_id is not None]
    masks = criterion_masks(session, evaluated, ctx.slots)
    window = timedelta(days=ctx.recontact_days)
    facts = []
    for r in rows:
        when = _local(r.started_at or r.created_at, ctx.zone)
        day = when.date()
        judged, failed, na, ai_judged, ai_failed, ai_na = masks.get(r.evaluation_id, (0,) * 6)
        facts.append(
            {
                "interaction_id": r.id,
                "evaluation_id": r.evaluation_id,
                "day": day,
                "hour": when.hour,
                "weekday": when.weekday(),
                "channel": r.channel,
                "language": base_language(r.language),
                "queue": r.queue or "",
                "team": r.team or "",
                "agent": r.agent or "",
                "customer": r.customer or "",
                "tenure": tenure_band(ctx.hired.get(r.agent or ""), day),
                "reason": r.reason or "",
                "score": r.score,
                "low": None if r.score is None else r.score < ctx.low_score,
                "ai_score": r.ai_score,
                "ai_low": None if r.ai_score is None else r.ai_score < ctx.low_score,
                "ai_auto_failed": r.ai_auto_failed,
                "reviewed": r.review_state is not None,
                "auto_failed": r.auto_failed,
                "csat": csat_on_five(r.csat, r.csat_scale),
                "nps": r.nps,
                "predicted_csat": None,
                "handle_ms": r.duration_ms if r.channel in HANDLED else None,
                "recontact": _came_back(later.get(r.customer or ""), r.started_at, window),
                "sentiment": r.sentiment,
                "sentiment_end": r.sentiment_end,
                "criteria_judged": judged,
                "criteria_failed": failed,
                "criteria_na": na,
                "criteria_ai_judged": ai_judged,
                "criteria_ai_failed": ai_failed,
                "criteria_ai_na": ai_na,
            }
        )
    return facts


def criterion_masks(
    session: Session, evaluation_ids: Sequence[int], slots: CriterionSlots
) -> dict[int, tuple[int, ...]]:
    """Per evaluation, the slots of its criteria that passed or failed, that failed and that did not apply,
    by their official outcomes and then by the AI's (six masks), as bits (summed in the database: a
    criterion has one result per evaluation, scorecards refuse duplicate ids). Every criterion met takes a
    slot while there are free ones."""
    if not evaluation_ids:
        return {}
    r, s = CriterionResultRow, InsightCriterionSlotRow
    ids = list(evaluation_ids)
    unseen = select(r.criterion).distinct().where(r.evaluation_id.in_(ids), r.criterion.not_in(slots.slots))
    for criterion in sorted(session.scalars(unseen)):
        slots.slot(session, criterion)
    bit = literal(1).bitwise_lshift(s.slot)
    ai = func.coalesce(r.ai_outcome, r.outcome)
    query = (
        select(
            r.evaluation_id,
            *(
                func.sum(case((outcome.in_(outcomes), bit), else_=0))
                for outcome in (r.outcome, ai)
                for outcomes in (("pass", "fail"), ("fail",), ("n/a",))
            ),
        )
        .join(s, s.criterion == r.criterion)
        .where(r.evaluation_id.in_(ids), s.slot.is_not(None))
        .group_by(r.evaluation_id)
    )
    return {row[0]: tuple(int(v) for v in row[1:]) for row in session.execute(query)}


def _came_back(starts: list[datetime] | None, started: datetime | None, window: timedelta) -> bool:
    """Whether the customer has another contact after ``started`` and within ``window`` of it."""
    if not starts or started is None:
        return False
    moment = _utc(started)
    after = bisect_right(starts, moment)
    return after < len(starts) and starts[after] - moment <= window


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _later_contacts(session: Session, customers: set[str]) -> dict[str, list[datetime]]:
    """Every contact's start time per customer, sorted (for the recontact look-up)."""
    out: dict[str, list[datetime]] = defaultdict(list)
    names = sorted(customers)
    for i in range(0, len(names), 500):
        chunk = names[i : i + 500]
        query = select(InteractionRow.customer, InteractionRow.started_at).where(
            InteractionRow.customer.in_(chunk), InteractionRow.started_at.is_not(None)
        )
        for customer, started in session.execute(query):
            if customer is not None and started is not None:
                out[customer].append(_utc(started))
    for starts in out.values():
        starts.sort()
    return out


def neighbours(session: Session, ids: Iterable[int], days: int) -> set[int]:
    """Earlier contacts of the same customers within ``days`` (their recontact flag may have changed)."""
    id_list = list(ids)
    window = timedelta(days=days)
    found: set[int] = set()
    for i in range(0, len(id_list), 500):
        chunk = id_list[i : i + 500]
        changed: dict[str, list[datetime]] = defaultdict(list)
        rows = session.execute(
            select(InteractionRow.customer, InteractionRow.started_at).where(
                InteractionRow.id.in_(chunk),
                InteractionRow.customer.is_not(None),
                InteractionRow.started_at.is_not(None),
            )
        )
        for customer, started in rows:
            if customer is not None and started is not None:
                changed[customer].append(_utc(started))
        if not changed:
            continue
        query = select(InteractionRow.id, InteractionRow.customer, InteractionRow.started_at).where(
            InteractionRow.customer.in_(sorted(changed)), InteractionRow.started_at.is_not(None)
        )
        for ident, customer, started in session.execute(query):
            if customer is None or started is None:
                continue
            moment = _utc(started)
            if any(timedelta(0) < later - moment <= window for later in changed[customer]):
                found.add(ident)
    return found
