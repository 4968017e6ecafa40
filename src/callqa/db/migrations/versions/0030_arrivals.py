"""Arrivals: files a watched folder or URL brought, recorded once (path, size, stamp) and marked enqueued.

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "arrivals",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("size", ID, nullable=False),
        sa.Column("stamp", sa.String(128), nullable=False),
        sa.Column("sidecar", sa.String(1024)),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("path", "size", "stamp", name="uq_arrivals_path_size_stamp"),
    )
    op.create_index("ix_arrivals_source", "arrivals", ["source", "enqueued_at"])


def downgrade() -> None:
    op.drop_index("ix_arrivals_source", table_name="arrivals")
    op.drop_table("arrivals")
