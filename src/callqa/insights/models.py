"""ORM tables for insights: one flat fact row per interaction and the roll-ups dashboards read.

Facts hold what every dashboard and root-cause question groups by (local day, hour and weekday, team,
agent, channel, language, queue, agent tenure, contact reason) next to the outcomes (score, auto-fail,
CSAT on a 1–5 scale, handle time, recontact, the criteria judged and failed). Roll-ups sum facts per day and
a few keys, and month roll-ups sum the day rows per month, so a dashboard or a root cause over a million
interactions reads thousands of rows, not millions. All are derived data: ``refresh_insights`` rebuilds them
from interactions and evaluations at any time; nothing here is the source of truth.

Unknown keys are stored as '' (not NULL) so they group and compare like any other value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callqa.db.base import Base, IdType

KEY = String(255)
CRITERION_SLOTS = 24  # criteria of the insights scorecard counted in the roll-ups (the rest: from facts)
LOW_CSAT = 2.0  # CSAT (1–5) at or below this is low


class InsightFactRow(Base):
    __tablename__ = "insight_facts"
    __table_args__ = (
        Index("ix_insight_facts_day", "day"),
        Index("ix_insight_facts_agent_day", "agent", "day"),
        Index("ix_insight_facts_team_day", "team", "day"),
        Index("ix_insight_facts_evaluation_id", "evaluation_id"),
        # the slowest interactions of a period, read in order with all that root causes count them by
        Index(
            "ix_insight_facts_handle",
            *("handle_ms", "day", "team", "channel", "hour", "weekday", "queue", "agent", "tenure"),
            *("reason", "language"),
        ),
    )

    interaction_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    evaluation_id: Mapped[int | None] = mapped_column(IdType)
    day: Mapped[date] = mapped_column(Date)
    hour: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(35))
    queue: Mapped[str] = mapped_column(KEY)
    team: Mapped[str] = mapped_column(KEY)
    agent: Mapped[str] = mapped_column(KEY)
    customer: Mapped[str] = mapped_column(KEY)
    tenure: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(KEY)
    score: Mapped[float | None] = mapped_column(Float)
    low: Mapped[bool | None] = mapped_column(Boolean)  # scored below the low-score line (None: not scored)
    # what the AI said, and whether a shared review made the official score (the "AI only" and "reviewed
    # only" views read these from the facts)
    ai_score: Mapped[float | None] = mapped_column(Float)
    ai_low: Mapped[bool | None] = mapped_column(Boolean)
    ai_auto_failed: Mapped[bool | None] = mapped_column(Boolean)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_failed: Mapped[bool | None] = mapped_column(Boolean)
    csat: Mapped[float | None] = mapped_column(Float)  # on a 1–5 scale whatever the survey's scale
    nps: Mapped[int | None] = mapped_column(Integer)
    predicted_csat: Mapped[float | None] = mapped_column(Float)
    handle_ms: Mapped[int | None] = mapped_column(BigInteger)
    recontact: Mapped[bool] = mapped_column(Boolean)  # the same customer came back within the window
    sentiment: Mapped[float | None] = mapped_column(Float)  # the customer's, overall
    sentiment_end: Mapped[float | None] = mapped_column(Float)  # the customer's, at the end
    # bit i: the criterion in slot i (InsightCriterionSlotRow) passed or failed / failed / did not apply
    criteria_judged: Mapped[int] = mapped_column(Integer)
    criteria_failed: Mapped[int] = mapped_column(Integer)
    criteria_na: Mapped[int] = mapped_column(Integer)
    # the same masks of the AI's own outcomes (the "AI only" dashboards)
    criteria_ai_judged: Mapped[int] = mapped_column(Integer, default=0)
    criteria_ai_failed: Mapped[int] = mapped_column(Integer, default=0)
    criteria_ai_na: Mapped[int] = mapped_column(Integer, default=0)


def _slot_columns(*counts: str) -> dict[str, Any]:
    return {
        f"c{slot}_{what}": mapped_column(Integer, nullable=False)
        for slot in range(CRITERION_SLOTS)
        for what in counts
    }


class OutcomeSums:
    """Counts and sums of the outcomes over a roll-up row's interactions: what a dashboard shows and, for
    each outcome root causes look for, how many interactions could have it and how many have it."""

    n: Mapped[int] = mapped_column(Integer)
    scored: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[float] = mapped_column(Float)
    low: Mapped[int] = mapped_column(Integer)  # scored below the low-score line
    auto_failed: Mapped[int] = mapped_column(Integer)
    handle_n: Mapped[int] = mapped_column(Integer)
    handle_sum: Mapped[float] = mapped_column(Float)
    csat_n: Mapped[int] = mapped_column(Integer)
    csat_sum: Mapped[float] = mapped_column(Float)
    csat_low: Mapped[int] = mapped_column(Integer)  # CSAT at or below LOW_CSAT
    recontact_n: Mapped[int] = mapped_column(Integer)  # with a known customer
    recontact: Mapped[int] = mapped_column(Integer)  # the customer came back within the window
    # c0_judged, c0_failed … c23_failed: the criterion in each slot passed or failed / failed
    locals().update(_slot_columns("judged", "failed"))


class DailySums(OutcomeSums):
    """Everything the tiles, the trend and the score distribution need."""

    h0: Mapped[int] = mapped_column(Integer)  # scores 0–9.99
    h1: Mapped[int] = mapped_column(Integer)
    h2: Mapped[int] = mapped_column(Integer)
    h3: Mapped[int] = mapped_column(Integer)
    h4: Mapped[int] = mapped_column(Integer)
    h5: Mapped[int] = mapped_column(Integer)
    h6: Mapped[int] = mapped_column(Integer)
    h7: Mapped[int] = mapped_column(Integer)
    h8: Mapped[int] = mapped_column(Integer)
    h9: Mapped[int] = mapped_column(Integer)  # scores 90–100
    predicted_n: Mapped[int] = mapped_column(Integer)
    predicted_sum: Mapped[float] = mapped_column(Float)
    # c0_na … c23_na: the criterion in each slot did not apply (the criterion roll-up is read off these)
    locals().update(_slot_columns("na"))


class CriterionSums:
    passed: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    na: Mapped[int] = mapped_column(Integer)


class InsightDailyRow(DailySums, Base):
    """Per local day, team and channel: volume, scores (with a 10-bucket histogram), CSAT, handle time."""

    __tablename__ = "insight_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)


class InsightVolumeRow(OutcomeSums, Base):
    """Per dimension (language, queue, tenure, contact reason), local day, team, channel and value."""

    __tablename__ = "insight_volume"

    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(KEY, primary_key=True)


class InsightHourlyRow(OutcomeSums, Base):
    """Per local day, hour, team and channel: the hour × weekday heat map."""

    __tablename__ = "insight_hourly"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer)


class InsightCriterionRow(CriterionSums, Base):
    """Per local day, team, channel and criterion: how often it passed, failed or did not apply."""

    __tablename__ = "insight_criteria"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(64), primary_key=True)


class InsightAgentRow(OutcomeSums, Base):
    """Per local day, agent and channel: the agent table of a centre or team dashboard."""

    __tablename__ = "insight_agents"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    agent: Mapped[str] = mapped_column(KEY, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)


# Month roll-ups: the same sums per local month (``month`` is its first day), each the sum of its day
# roll-up's rows of that month, so a year-long dashboard reads twelve months' rows and a few edge days.


class InsightMonthlyRow(DailySums, Base):
    __tablename__ = "insight_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)


class InsightVolumeMonthlyRow(OutcomeSums, Base):
    __tablename__ = "insight_volume_monthly"

    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(KEY, primary_key=True)


class InsightHourlyMonthlyRow(OutcomeSums, Base):
    """Keyed by weekday too: a month has several of each weekday, and the heat map is weekday × hour."""

    __tablename__ = "insight_hourly_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)


class InsightCriterionMonthlyRow(CriterionSums, Base):
    __tablename__ = "insight_criteria_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(64), primary_key=True)


class InsightAgentMonthlyRow(OutcomeSums, Base):
    __tablename__ = "insight_agents_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    agent: Mapped[str] = mapped_column(KEY, primary_key=True)
    team: Mapped[str] = mapped_column(KEY, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)


MONTHLY: dict[type[Base], type[Base]] = {
    InsightDailyRow: InsightMonthlyRow,
    InsightVolumeRow: InsightVolumeMonthlyRow,
    InsightHourlyRow: InsightHourlyMonthlyRow,
    InsightCriterionRow: InsightCriterionMonthlyRow,
    InsightAgentRow: InsightAgentMonthlyRow,
}  # each day roll-up and the month roll-up that sums it


class InsightCriterionSlotRow(Base):
    """Which slot of the facts' criterion masks and the roll-ups' c<slot> columns counts a criterion.

    Slots are given to criteria in the order the refresh meets them and kept until a full rebuild, so a
    criterion added to the scorecard takes the next free slot and older rows stay right (it has none there).
    A criterion met when all are taken is kept with no slot: it is counted from its results.
    """

    __tablename__ = "insight_criterion_slots"

    criterion: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int | None] = mapped_column(Integer, unique=True)


class InsightStateRow(Base):
    """Bookkeeping of the refresh: up to when changes have been folded in."""

    __tablename__ = "insight_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    config: Mapped[str] = mapped_column(String(255))  # settings the facts were built with
