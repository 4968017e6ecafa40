"""Shift bidding: rounds, their shifts and demands, agents' settings and bids, the allocation's outcomes.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _round_id() -> sa.Column[int]:
    return sa.Column("round_id", ID, sa.ForeignKey("shift_rounds.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "shift_rounds",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("team", sa.String(255)),
        sa.Column("blocks", JSON, nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rules", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("allocated_at", sa.DateTime(timezone=True)),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("solver_status", sa.String(16)),
        sa.Column("solver_seconds", sa.Float()),
        sa.Column("granted", JSON),
        sa.Column("requests_met", sa.Float()),
        sa.Column("coverage", JSON),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_shift_rounds_team", "shift_rounds", ["team", "status"])
    op.create_table(
        "round_shifts",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _round_id(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("block", sa.String(64), nullable=False),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("spans", JSON, nullable=False),
        sa.Column("seats", sa.Integer()),
        sa.Column("skills", JSON, nullable=False),
        sa.UniqueConstraint("round_id", "code", name="uq_round_shifts_round_id_code"),
    )
    op.create_table(
        "round_demands",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _round_id(),
        sa.Column("starts", sa.DateTime(timezone=False), nullable=False),
        sa.Column("ends", sa.DateTime(timezone=False), nullable=False),
        sa.Column("skill", sa.String(64)),
        sa.Column("headcount", sa.Integer(), nullable=False),
    )
    op.create_index("ix_round_demands_round_id", "round_demands", ["round_id"])
    op.create_table(
        "round_agents",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _round_id(),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("skills", JSON, nullable=False),
        sa.Column("blocks", JSON),
        sa.UniqueConstraint("round_id", "user_id", name="uq_round_agents_round_id_user_id"),
    )
    op.create_table(
        "shift_bids",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _round_id(),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("choices", JSON, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "user_id", name="uq_shift_bids_round_id_user_id"),
    )
    op.create_table(
        "shift_outcomes",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _round_id(),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("block", sa.String(64), nullable=False),
        sa.Column("shift_code", sa.String(64), nullable=False),
        sa.Column("choice", sa.Integer()),
        sa.Column("first_choice", sa.String(64)),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("why", sa.Text()),
        sa.UniqueConstraint("round_id", "user_id", "block", name="uq_shift_outcomes_round_id_user_id_block"),
    )


def downgrade() -> None:
    for table in ("shift_outcomes", "shift_bids", "round_agents", "round_demands", "round_shifts"):
        op.drop_table(table)
    op.drop_index("ix_shift_rounds_team", table_name="shift_rounds")
    op.drop_table("shift_rounds")
