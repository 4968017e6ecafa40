"""Reviews of evaluations, criterion overrides, disputes and in-app notifications.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, primary_key=True, autoincrement=True)


def _ref(column: str, table: str, *, nullable: bool = False, on_delete: str = "CASCADE") -> sa.Column[int]:
    return sa.Column(column, ID, sa.ForeignKey(f"{table}.id", ondelete=on_delete), nullable=nullable)


def _user(column: str) -> sa.Column[int]:
    return _ref(column, "users", nullable=True, on_delete="SET NULL")


def upgrade() -> None:
    op.create_table(
        "reviews",
        _id(),
        _ref("evaluation_id", "evaluations"),
        _ref("interaction_id", "interactions"),
        _user("reviewer_id"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("auto_failed", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("shared_at", TS),
        sa.Column("finalized_at", TS),
        sa.UniqueConstraint("evaluation_id"),
    )
    op.create_index("ix_reviews_interaction_id", "reviews", ["interaction_id"])
    op.create_table(
        "review_overrides",
        _id(),
        _ref("review_id", "reviews"),
        sa.Column("criterion", sa.String(64), nullable=False),
        sa.Column("ai_outcome", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _user("user_id"),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_review_overrides_review_id", "review_overrides", ["review_id"])
    op.create_table(
        "disputes",
        _id(),
        _ref("review_id", "reviews"),
        sa.Column("criterion", sa.String(64), nullable=False),
        sa.Column("requested", sa.String(8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _user("agent_id"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("resolution", sa.Text()),
        _user("resolver_id"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("resolved_at", TS),
    )
    op.create_index("ix_disputes_review_id", "disputes", ["review_id"])
    op.create_table(
        "notifications",
        _id(),
        _ref("user_id", "users"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(255)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id", "read_at"])


def downgrade() -> None:
    for table in ("notifications", "disputes", "review_overrides", "reviews"):
        op.drop_table(table)
