"""Insights: a fact row per interaction and day-level roll-ups for dashboards; indexes the refresh reads.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEY = sa.String(255)


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _float(name: str) -> sa.Column[float]:
    return sa.Column(name, sa.Float(), nullable=False)


def upgrade() -> None:
    op.create_index("ix_interactions_updated_at", "interactions", ["updated_at"])
    op.create_index("ix_interactions_customer", "interactions", ["customer"])
    op.create_index("ix_evaluations_created_at", "evaluations", ["created_at"])
    op.create_table(
        "insight_facts",
        sa.Column(
            "interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("evaluation_id", ID),
        sa.Column("day", sa.Date(), nullable=False),
        _int("hour"),
        _int("weekday"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("queue", KEY, nullable=False),
        sa.Column("team", KEY, nullable=False),
        sa.Column("agent", KEY, nullable=False),
        sa.Column("customer", KEY, nullable=False),
        sa.Column("tenure", sa.String(32), nullable=False),
        sa.Column("reason", KEY, nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("auto_failed", sa.Boolean()),
        sa.Column("csat", sa.Float()),
        sa.Column("nps", sa.Integer()),
        sa.Column("predicted_csat", sa.Float()),
        sa.Column("handle_ms", sa.BigInteger()),
        sa.Column("recontact", sa.Boolean(), nullable=False),
        sa.Column("sentiment", sa.Float()),
        sa.Column("sentiment_end", sa.Float()),
    )
    op.create_index("ix_insight_facts_day", "insight_facts", ["day"])
    op.create_index("ix_insight_facts_agent_day", "insight_facts", ["agent", "day"])
    op.create_index("ix_insight_facts_team_day", "insight_facts", ["team", "day"])
    op.create_index("ix_insight_facts_evaluation_id", "insight_facts", ["evaluation_id"])
    op.create_table(
        "insight_daily",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("team", KEY, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        *[_int(n) for n in ("n", "scored")],
        _float("score_sum"),
        *[_int(n) for n in ("low", "auto_failed", *(f"h{i}" for i in range(10)), "csat_n")],
        _float("csat_sum"),
        _int("handle_n"),
        _float("handle_sum"),
        _int("recontact"),
        _int("predicted_n"),
        _float("predicted_sum"),
    )
    op.create_table(
        "insight_volume",
        sa.Column("dimension", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("team", KEY, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("value", KEY, primary_key=True),
        *[_int(n) for n in ("n", "scored")],
        _float("score_sum"),
        *[_int(n) for n in ("low", "auto_failed", "csat_n")],
        _float("csat_sum"),
        _int("handle_n"),
        _float("handle_sum"),
    )
    op.create_table(
        "insight_hourly",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("hour", sa.Integer(), primary_key=True),
        sa.Column("team", KEY, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        *[_int(n) for n in ("weekday", "n", "scored")],
        _float("score_sum"),
        *[_int(n) for n in ("low", "auto_failed", "handle_n")],
        _float("handle_sum"),
    )
    op.create_table(
        "insight_criteria",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("team", KEY, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("criterion", sa.String(64), primary_key=True),
        *[_int(n) for n in ("passed", "failed", "na")],
    )
    op.create_table(
        "insight_agents",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("agent", KEY, primary_key=True),
        sa.Column("team", KEY, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        *[_int(n) for n in ("n", "scored")],
        _float("score_sum"),
        *[_int(n) for n in ("low", "auto_failed", "csat_n")],
        _float("csat_sum"),
        _int("handle_n"),
        _float("handle_sum"),
    )
    op.create_table(
        "insight_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.DateTime(timezone=True), nullable=False),
        sa.Column("config", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    for table in ("insight_state", "insight_agents", "insight_criteria", "insight_hourly", "insight_volume"):
        op.drop_table(table)
    for table in ("insight_daily",):
        op.drop_table(table)
    op.drop_table("insight_facts")
    op.drop_index("ix_evaluations_created_at", "evaluations")
    op.drop_index("ix_interactions_customer", "interactions")
    op.drop_index("ix_interactions_updated_at", "interactions")
