"""Review comments: a reviewer's comment on a criterion, a transcript turn or a time in the recording.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "review_comments",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("review_id", ID, sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("criterion", sa.String(64)),
        sa.Column("turn", sa.Integer()),
        sa.Column("at_ms", sa.BigInteger()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_comments_review_id", "review_comments", ["review_id"])


def downgrade() -> None:
    op.drop_index("ix_review_comments_review_id", table_name="review_comments")
    op.drop_table("review_comments")
