"""Saved searches, and the indexes that keep search and filtered lists fast at a million interactions.

``saved_searches`` holds a user's named search (the list page's parameters only: the viewer's scope is
applied when it runs), private or shared with one team. The new indexes serve the filter pick-lists read
by a loose index scan (channel, language) and the team lists walked newest first, and
the list sorted by score.

Revision ID: 0027
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0027"
down_revision = "0023"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INDEXES = (
    ("ix_interactions_channel", "interactions", ["channel"]),
    ("ix_interactions_language", "interactions", ["language"]),
    ("ix_interactions_team_started_at", "interactions", ["team", "started_at"]),
    (
        "ix_evaluations_sort_ai_score",
        "evaluations",
        ["scorecard_name", "is_current", "ai_score", "interaction_id"],
    ),
)

PG_ORDER = (
    "CREATE INDEX ix_pg_order_started ON interactions (started_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX ix_pg_order_team_started ON interactions (team, started_at DESC NULLS LAST, id DESC)",
)


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("params", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("team", sa.String(255)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "name"),
    )
    op.create_index("ix_saved_searches_team", "saved_searches", ["team"])
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "postgresql":
        # newest first with blanks last, as the list sorts: a plain index read backwards puts NULLs first,
        # so PostgreSQL would sort every row for each page
        for statement in PG_ORDER:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_pg_order_started")
        op.execute("DROP INDEX IF EXISTS ix_pg_order_team_started")
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_saved_searches_team", table_name="saved_searches")
    op.drop_table("saved_searches")
