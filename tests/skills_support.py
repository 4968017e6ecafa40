"""Hand-built insight facts for skill-profile tests: interactions and their fact rows, written directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from callqa.insights.models import InsightFactRow
from callqa.interactions.models import InteractionRow

DAY = date(2026, 10, 1)


@dataclass(frozen=True)
class Call:
    agent: str
    team: str
    reason: str
    score: float
    csat: float | None = None
    handle_s: int = 300
    recontact: bool = False
    language: str = "en"
    channel: str = "voice"
    queue: str = "cards"


def add_calls(session: Session, calls: list[Call]) -> None:
    """Store ``calls`` as interactions with their facts, one a minute from ``DAY`` 09:00."""
    now = datetime.now(UTC)
    interactions, facts = [], []
    for i, c in enumerate(calls, start=1):
        started = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=9, minutes=i)
        interactions.append(
            {
                "id": i, "source": "test", "external_id": f"call-{i}", "channel": c.channel,
                "agent": c.agent, "team": c.team, "queue": c.queue, "customer": f"c{i}",
                "started_at": started, "duration_ms": c.handle_s * 1000, "language": c.language,
                "meta": {}, "turn_count": 0, "content_hash": "", "created_at": now, "updated_at": now,
            }
        )  # fmt: skip
        facts.append(
            {
                "interaction_id": i, "evaluation_id": None, "day": started.date(), "hour": started.hour,
                "weekday": started.weekday(), "channel": c.channel, "language": c.language,
                "queue": c.queue, "team": c.team, "agent": c.agent, "customer": f"c{i}",
                "tenure": "", "reason": c.reason, "score": c.score, "low": c.score < 70,
                "ai_score": c.score, "ai_low": c.score < 70, "ai_auto_failed": False, "reviewed": False,
                "auto_failed": False, "csat": c.csat, "nps": None, "predicted_csat": None,
                "handle_ms": c.handle_s * 1000, "recontact": c.recontact, "sentiment": None,
                "sentiment_end": None, "criteria_judged": 0, "criteria_failed": 0, "criteria_na": 0,
                "criteria_ai_judged": 0, "criteria_ai_failed": 0, "criteria_ai_na": 0,
            }
        )  # fmt: skip
    connection = session.connection()
    connection.execute(insert(InteractionRow), interactions)
    connection.execute(insert(InsightFactRow), facts)


def floor(team: str = "Team A") -> list[Call]:
    """Five ordinary agents with 40 lost-card calls each: scores 70 and 90 in turn, CSAT 3 and 4.5."""
    return [
        Call(f"agent-{a}", team, "card_lost", 70.0 + 20 * (i % 2), 3.0 + 1.5 * (i % 2), 400, i % 5 == 0)
        for a in range(5)
        for i in range(40)
    ]


NORTH = ("j.smith", "bob", "ann")  # Team North: the demo supervisor sam.lead's; j.smith is a demo agent
SOUTH = ("cy", "dee")


def two_teams() -> list[Call]:
    """24 calls per agent of Team North and Team South, lost cards and refunds in turn; scores rise with
    the agent's place in the team and in Team South."""
    out = []
    for t, (team, agents) in enumerate((("Team North", NORTH), ("Team South", SOUTH))):
        for a, agent in enumerate(agents):
            for i in range(24):
                reason = ("card_lost", "refund")[i % 2]
                score = 70.0 + 5 * a + 3 * t + 10 * (i % 3 == 0)
                out.append(Call(agent, team, reason, score, 3.0 + (i % 3), 300 + 20 * a, i % 7 == 0))
    return out
