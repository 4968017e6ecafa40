"""A synthetic contact centre: scored interactions at scale, for benchmarks and for trying the dashboards.

Rows go straight into the tables (no transcripts, no analysis): interactions with agents, teams, queues,
channels, languages, local office hours, surveys and customers who call again; evaluations with the
standard scorecard's criteria. Known causes are planted so root-cause analysis has something true to find:

* at 9 o'clock (the morning rush) every criterion fails twice as often;
* in the ``loans`` queue ``solution_explained`` fails three times as often and CSAT is lower;
* agents hired less than three months before the interaction fail criteria 1.6 times as often;
* CSAT follows the score (and noise); a low score makes a recontact within a week likelier;
* contact reasons follow the queue (5 % unrecognised); loan calls take 1.4 times as long; in the last 14
  days an app outage makes "online or mobile banking access" a rising reason;
* each agent is truly better at two contact reasons and worse at one (``synthetic_skills``: criteria fail
  less / more, CSAT higher / lower, handle time shorter / longer).

Everything is drawn from a seeded generator: the same arguments give the same centre.

Customers prefer a channel, some reasons start on the phone and end on chat, first-contact resolution differs
by channel (``synthetic_channels``); the customers' pseudonymous keys are stored when the session has a keyer.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from callqa.core.config import DEFAULT_SCORECARD
from callqa.db.base import Base
from callqa.insights.synthetic_channels import ChannelPlan, write_customer_keys
from callqa.insights.synthetic_skills import effect, planted_skills
from callqa.interactions.models import InteractionRow
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.scoring.service import register_scorecard
from callqa.users.models import TeamRow, UserRow

CHANNELS = (("voice", 0.65), ("chat", 0.25), ("email", 0.10))
LANGUAGES = (("en", 0.55), ("zh", 0.2), ("lt", 0.15), ("fa", 0.10))
QUEUES = ("cards", "payments", "loans", "general", "fraud", "mortgages")
HOURS = (8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 17, 18, 19)  # office hours, busier mornings
BASE_FAIL = 0.08
SOURCE = "synthetic"
CHUNK = 5000


@dataclass(frozen=True)
class CentreShape:
    count: int = 10_000
    agents: int = 50
    teams: int = 5
    days: int = 90
    until: date = date(2026, 11, 1)
    zone: str = "UTC"
    seed: int = 7
    survey_rate: float = 0.25


@dataclass(frozen=True)
class _Criterion:
    id: str
    section: str
    title: str
    weight: float
    critical: bool
    channels: tuple[str, ...]
    fail: float  # base chance to fail when it applies


def _criteria() -> list[_Criterion]:
    card = load_scorecard(DEFAULT_SCORECARD)
    out = []
    for i, c in enumerate(card.criteria):
        fail = 0.01 if c.spec.critical else BASE_FAIL * (0.5 + (i % 4) / 2)
        out.append(
            _Criterion(
                c.spec.id,
                c.section,
                c.spec.title,
                c.spec.weight,
                c.spec.critical,
                tuple(c.spec.channels or ()),
                fail,
            )
        )
    return out


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def generate_centre(
    session: Session, shape: CentreShape, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Store a synthetic centre of ``shape.count`` scored interactions; returns how many were added."""
    rng = random.Random(shape.seed)
    zone = ZoneInfo(shape.zone)
    card = register_scorecard(session, load_scorecard(DEFAULT_SCORECARD))
    criteria = _criteria()
    hired = _agents(session, shape, rng)
    agents = list(hired)
    planted = planted_skills(agents, shape.seed)
    first_id = int(session.scalar(select(func.max(InteractionRow.id))) or 0) + 1
    first_eval = int(session.scalar(select(func.max(EvaluationRow.id))) or 0) + 1
    customers = max(1, int(shape.count * 0.6))
    plan = ChannelPlan(customers, shape.seed)
    now = datetime.now(UTC)
    start = shape.until - timedelta(days=shape.days - 1)
    for offset in range(0, shape.count, CHUNK):
        interactions: list[dict[str, Any]] = []
        evaluations: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        analyses: list[dict[str, Any]] = []
        for i in range(offset, min(offset + CHUNK, shape.count)):
            agent = agents[i % len(agents)] if i < len(agents) else rng.choice(agents)
            team = f"Team {int(agent.split('-')[1]) % shape.teams + 1:02d}"
            first = max(start, hired[agent])  # nobody works before they are hired
            day = first + timedelta(days=rng.randrange((shape.until - first).days + 1))
            local = datetime.combine(day, time(rng.choice(HOURS), rng.randrange(60)), zone)
            channel = _pick(rng, CHANNELS)
            queue = QUEUES[min(len(QUEUES) - 1, int(rng.expovariate(0.6)))]
            reason = _reason(rng, queue, (shape.until - day).days)
            skill = effect(planted, agent, reason)
            factor = (2.0 if local.hour == 9 else 1.0) * (1.6 if (day - hired[agent]).days < 91 else 1.0)
            factor *= skill.fail
            outcomes = []
            for c in criteria:
                if c.channels and channel not in c.channels:
                    outcomes.append((c, "n/a"))
                    continue
                chance = c.fail * factor * (3.0 if queue == "loans" and c.id == "solution_explained" else 1)
                outcomes.append((c, "fail" if rng.random() < min(chance, 0.95) else "pass"))
            score, auto_failed = _score(outcomes)
            ident = first_id + i
            csat = _csat(rng, score, queue, skill.mood) if rng.random() < shape.survey_rate else None
            duration = int(_duration(rng, channel, local.hour) * (1.4 if reason == "loan_mortgage" else 1.0))
            duration = int(duration * skill.handle)
            interactions.append(
                {
                    "id": ident,
                    "source": SOURCE,
                    "external_id": f"syn-{shape.seed}-{ident}",
                    "channel": channel,
                    "direction": "inbound",
                    "agent": agent,
                    "team": team,
                    "queue": queue,
                    "customer": plan.name(channel, reason, day, score, _customer(rng, customers, score)),
                    "started_at": local.astimezone(UTC),
                    "duration_ms": duration,
                    "language": _pick(rng, LANGUAGES),
                    "csat": csat,
                    "csat_scale": 5 if csat is not None else None,
                    "meta": {},
                    "turn_count": 0,
                    "content_hash": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            analyses.append(
                {
                    "interaction_id": ident,
                    "pipeline": SOURCE,
                    "interaction_hash": "",
                    "language": None,
                    "data": {"reason": {"id": reason, "title": REASON_TITLES.get(reason or "")}},
                    "created_at": now,
                }
            )
            evaluation = first_eval + i
            evaluations.append(
                {
                    "id": evaluation,
                    "interaction_id": ident,
                    "scorecard_id": card.id,
                    "scorecard_name": card.name,
                    "engine_version": SOURCE,
                    "pipeline": SOURCE,
                    "interaction_hash": "",
                    "score": score,
                    "raw_score": score,
                    "auto_failed": auto_failed,
                    "passed": score >= 70 and not auto_failed,
                    "is_current": True,
                    "created_at": now,
                }
            )
            results.extend(
                {
                    "evaluation_id": evaluation,
                    "criterion": c.id,
                    "section": c.section,
                    "title": c.title,
                    "outcome": outcome,
                    "confidence": 0.9,
                    "weight": c.weight,
                    "critical": c.critical,
                    "explanation": "",
                    "evidence": [],
                }
                for c, outcome in outcomes
            )
        connection = session.connection()  # Core executemany: no ORM bookkeeping for millions of rows
        connection.execute(insert(_table(InteractionRow)), interactions)
        connection.execute(insert(_table(EvaluationRow)), evaluations)
        connection.execute(insert(_table(CriterionResultRow)), results)
        connection.execute(insert(_table(AnalysisRow)), analyses)
        write_customer_keys(session, interactions)
        if progress is not None:
            progress(min(offset + CHUNK, shape.count), shape.count)
    return shape.count


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


REASONS_BY_QUEUE = {
    "cards": ("card_lost_stolen", "card_blocked_pin", "card_abroad", "limits"),
    "payments": ("payment_transfer", "refund_dispute", "fees_charges"),
    "loans": ("loan_mortgage",),
    "mortgages": ("loan_mortgage",),
    "fraud": ("unrecognised_payment",),
    "general": ("fees_charges", "online_banking_access", "service_complaint"),
}
REASON_TITLES = {
    "card_lost_stolen": "Lost or stolen card",
    "card_blocked_pin": "Card blocked, PIN or activation",
    "card_abroad": "Using a card abroad",
    "limits": "Card or transfer limits",
    "payment_transfer": "Missing, delayed or returned transfer",
    "refund_dispute": "Refund, double charge or dispute",
    "fees_charges": "Fees and charges",
    "loan_mortgage": "Loan or mortgage",
    "unrecognised_payment": "Unrecognised payment or suspected fraud",
    "online_banking_access": "Online or mobile banking access",
    "service_complaint": "Complaint about service",
}


def _reason(rng: random.Random, queue: str, days_before_end: int) -> str | None:
    """The contact reason: by queue, 5 % unrecognised; in the last 14 days an app outage brings many
    online-banking calls (a rising reason to find)."""
    if days_before_end < 14 and rng.random() < 0.2:
        return "online_banking_access"
    if rng.random() < 0.05:
        return None
    return rng.choice(REASONS_BY_QUEUE[queue])


def _score(outcomes: list[tuple[_Criterion, str]]) -> tuple[float, bool]:
    judged = [(c, o) for c, o in outcomes if o != "n/a"]
    if any(c.critical and o == "fail" for c, o in judged):
        return 0.0, True
    total = sum(c.weight for c, _ in judged)
    return round(100 * sum(c.weight for c, o in judged if o == "pass") / total, 1) if total else 100.0, False


def _csat(rng: random.Random, score: float, queue: str, lift: float = 0.0) -> float:
    """1–5, rising with the score (and the agent's skill at the reason); the loans queue is harder to
    please."""
    mood = (score - 60) / 15 + rng.gauss(0, 1.2) - (0.8 if queue == "loans" else 0) + lift
    return float(min(5, max(1, round(3 + 2 * math.tanh(mood / 2)))))


def _duration(rng: random.Random, channel: str, hour: int) -> int:
    typical = {"voice": 360_000, "chat": 540_000, "email": 86_400_000}[channel]
    return int(typical * rng.lognormvariate(0, 0.45) * (1.2 if hour == 9 else 1.0))


def _customer(rng: random.Random, customers: int, score: float) -> int:
    """Customers of a poor interaction come back more: low scores draw from a small pool of regulars."""
    pool = max(1, customers // 20) if score < 60 and rng.random() < 0.5 else customers
    return rng.randrange(pool)


def _agents(session: Session, shape: CentreShape, rng: random.Random) -> dict[str, date]:
    """Agent names and hire dates (stored as users without a password: they cannot sign in)."""
    now = datetime.now(UTC)
    hired: dict[str, date] = {}
    teams: dict[str, int] = {}
    for t in range(shape.teams):
        name = f"Team {t + 1:02d}"
        team_id = session.scalar(select(TeamRow.id).where(TeamRow.name == name))
        if team_id is None:
            row = TeamRow(name=name, created_at=now)
            session.add(row)
            session.flush()
            team_id = row.id
        teams[name] = team_id
    for a in range(shape.agents):
        agent = f"agent-{a:04d}"
        # a quarter of the floor joined during the period (new hires), the rest one to five years before
        back = rng.randrange(shape.days) if rng.random() < 0.25 else rng.randrange(365, 5 * 365)
        hired[agent] = shape.until - timedelta(days=back)
        if session.scalar(select(UserRow.id).where(UserRow.username == agent)) is None:
            session.add(
                UserRow(
                    username=agent,
                    display_name=agent,
                    password_hash="!",  # matches no password
                    role="agent",
                    agent_name=agent,
                    team_id=teams[f"Team {a % shape.teams + 1:02d}"],
                    locale="en",
                    hired_on=hired[agent],
                    active=True,
                    created_at=now,
                )
            )
    session.flush()
    return hired
