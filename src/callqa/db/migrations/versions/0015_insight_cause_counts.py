"""Insights: what root causes count, kept in the roll-ups; criterion masks and a handle-time index on facts.

Every day and month roll-up gains low CSAT (with the surveyed count on the hourly ones), interactions with a
known customer (recontact's base), and per criterion slot how many interactions passed or failed it and how
many failed (the daily ones: and how many it did not apply to); facts gain the masks of criteria judged,
failed and not applicable, and an index that reads them slowest first. ``insight_criterion_slots`` says
which criterion each slot counts.

Facts and roll-ups are derived data: they are emptied here (the new columns have no value to copy) and
forgetting when the facts were last refreshed makes the next refresh rebuild everything (until then the
dashboards say their figures have not been computed).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SLOTS = 24
HANDLE_INDEX = (
    *("handle_ms", "day", "team", "channel", "hour", "weekday", "queue", "agent", "tenure", "reason"),
    "language",
)


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _slots(*counts: str) -> list[sa.Column[Any]]:
    return [_int(f"c{slot}_{count}") for slot in range(SLOTS) for count in counts]


def _daily() -> list[sa.Column[Any]]:
    return [_int("csat_low"), _int("recontact_n"), *_slots("judged", "failed", "na")]


def _csat() -> list[sa.Column[Any]]:
    return [_int("csat_low"), _int("recontact_n"), _int("recontact"), *_slots("judged", "failed")]


def _hourly() -> list[sa.Column[Any]]:
    return [_int("csat_n"), sa.Column("csat_sum", sa.Float(), nullable=False), *_csat()]


NEW_COLUMNS = {
    "insight_facts": lambda: [_int(f"criteria_{count}") for count in ("judged", "failed", "na")],
    "insight_daily": _daily,
    "insight_monthly": _daily,
    "insight_volume": _csat,
    "insight_volume_monthly": _csat,
    "insight_agents": _csat,
    "insight_agents_monthly": _csat,
    "insight_hourly": _hourly,
    "insight_hourly_monthly": _hourly,
}
DERIVED = (*NEW_COLUMNS, "insight_criteria", "insight_criteria_monthly")


def upgrade() -> None:
    # SQLite cannot add a NOT NULL column without a default in place: the (emptied) tables are rebuilt
    recreate: Literal["always", "auto"] = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    for table in DERIVED:
        op.execute(sa.text(f"DELETE FROM {table}"))
    for table, columns in NEW_COLUMNS.items():
        with op.batch_alter_table(table, recreate=recreate) as batch:
            for column in columns():
                batch.add_column(column)
    op.create_index("ix_insight_facts_handle", "insight_facts", list(HANDLE_INDEX))
    op.create_table(
        "insight_criterion_slots",
        sa.Column("criterion", sa.String(64), primary_key=True),
        sa.Column("slot", sa.Integer()),  # none: met when every slot was taken
        sa.UniqueConstraint("slot"),
    )
    op.execute(sa.text("DELETE FROM insight_state WHERE key = 'facts'"))


def downgrade() -> None:
    op.drop_table("insight_criterion_slots")
    op.drop_index("ix_insight_facts_handle", "insight_facts")
    for table, columns in NEW_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns():
                batch.drop_column(column.name)
