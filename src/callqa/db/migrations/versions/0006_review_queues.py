"""Review queues and their items (interactions picked by sampling strategies, assigned to analysts).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_queues",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("created_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "review_queue_items",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("queue_id", ID, sa.ForeignKey("review_queues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.Column("assigned_to", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("done_at", TS),
        sa.UniqueConstraint("queue_id", "interaction_id"),
    )
    op.create_index("ix_review_queue_items_assignee", "review_queue_items", ["assigned_to", "done_at"])
    op.create_index("ix_review_queue_items_interaction_id", "review_queue_items", ["interaction_id"])


def downgrade() -> None:
    op.drop_table("review_queue_items")
    op.drop_table("review_queues")
