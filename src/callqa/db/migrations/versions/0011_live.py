"""Live monitoring: alerts and help requests; knowledge-base articles remember their last change.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("kb_articles", sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.create_table(
        "live_alerts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False, index=True),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="SET NULL"), index=True),
        sa.Column("agent", sa.String(255)),
        sa.Column("team", sa.String(255)),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("at_ms", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("segment_id", sa.String(128)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("acknowledged_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "live_help",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(128), index=True),
        sa.Column("agent", sa.String(255)),
        sa.Column("team", sa.String(255)),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text()),
        sa.Column("answered_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("live_help")
    op.drop_table("live_alerts")
    op.drop_column("kb_articles", "updated_at")
