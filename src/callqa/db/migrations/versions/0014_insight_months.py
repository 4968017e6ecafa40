"""Insights: month-level roll-ups, each the sum of its day roll-up over a local month.

They start empty: forgetting when the facts were last refreshed makes the next refresh rebuild everything,
months included (until then the dashboards say their figures have not been computed).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

KEY = sa.String(255)


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _float(name: str) -> sa.Column[float]:
    return sa.Column(name, sa.Float(), nullable=False)


def _outcomes() -> list[sa.Column[Any]]:
    return [
        *[_int(n) for n in ("n", "scored")],
        _float("score_sum"),
        *[_int(n) for n in ("low", "auto_failed", "handle_n")],
        _float("handle_sum"),
    ]


def _csat() -> list[sa.Column[Any]]:
    return [*_outcomes(), _int("csat_n"), _float("csat_sum")]


def _month() -> sa.Column[date]:
    return sa.Column("month", sa.Date(), primary_key=True)


def _team_channel() -> list[sa.Column[str]]:
    return [sa.Column("team", KEY, primary_key=True), sa.Column("channel", sa.String(16), primary_key=True)]


def upgrade() -> None:
    op.create_table(
        "insight_monthly",
        _month(),
        *_team_channel(),
        *_csat(),
        *[_int(f"h{i}") for i in range(10)],
        _int("recontact"),
        _int("predicted_n"),
        _float("predicted_sum"),
    )
    op.create_table(
        "insight_volume_monthly",
        sa.Column("dimension", sa.String(16), primary_key=True),
        _month(),
        *_team_channel(),
        sa.Column("value", KEY, primary_key=True),
        *_csat(),
    )
    op.create_table(
        "insight_hourly_monthly",
        _month(),
        sa.Column("weekday", sa.Integer(), primary_key=True),
        sa.Column("hour", sa.Integer(), primary_key=True),
        *_team_channel(),
        *_outcomes(),
    )
    op.create_table(
        "insight_criteria_monthly",
        _month(),
        *_team_channel(),
        sa.Column("criterion", sa.String(64), primary_key=True),
        *[_int(n) for n in ("passed", "failed", "na")],
    )
    op.create_table(
        "insight_agents_monthly",
        _month(),
        sa.Column("agent", KEY, primary_key=True),
        *_team_channel(),
        *_csat(),
    )
    op.execute(sa.text("DELETE FROM insight_state WHERE key = 'facts'"))


def downgrade() -> None:
    for table in (
        "insight_agents_monthly",
        "insight_criteria_monthly",
        "insight_hourly_monthly",
        "insight_volume_monthly",
        "insight_monthly",
    ):
        op.drop_table(table)
