"""Routing-system ids: per routing system, the id of each agent, queue and contact reason callqa names.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "routing_ids",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("system", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("callqa_name", sa.String(255), nullable=False),
        sa.Column("external_id", sa.String(512), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.UniqueConstraint("system", "kind", "callqa_name", name="uq_routing_ids_system_kind_callqa_name"),
    )


def downgrade() -> None:
    op.drop_table("routing_ids")
