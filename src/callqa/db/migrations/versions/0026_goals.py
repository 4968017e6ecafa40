"""Goals: a metric's target for the centre, a team or an agent, per week, month or quarter.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("criterion", sa.String(64)),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("team", sa.String(255)),
        sa.Column("agent", sa.String(255)),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("created_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_goals_scope", "goals", ["scope", "team", "agent"])


def downgrade() -> None:
    op.drop_index("ix_goals_scope", table_name="goals")
    op.drop_table("goals")
