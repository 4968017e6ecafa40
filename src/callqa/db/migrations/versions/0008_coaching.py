"""Coaching sessions and their action items.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "coaching",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("agent_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("coach_id", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="SET NULL")),
        sa.Column("turn", sa.Integer()),
        sa.Column("quote", sa.Text()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("follow_up_on", sa.Date()),
        sa.Column("follow_up_result", sa.String(16)),
        sa.Column("follow_up_notes", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("acknowledged_at", TS),
        sa.Column("followed_up_at", TS),
    )
    op.create_index("ix_coaching_agent_id", "coaching", ["agent_id"])
    op.create_table(
        "coaching_actions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("coaching_id", ID, sa.ForeignKey("coaching.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date()),
        sa.Column("done_at", TS),
    )
    op.create_index("ix_coaching_actions_coaching_id", "coaching_actions", ["coaching_id"])


def downgrade() -> None:
    op.drop_table("coaching_actions")
    op.drop_table("coaching")
