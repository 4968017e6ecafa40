"""Notifications that can be acted on, and their optional e-mail.

``notifications`` gains ``params`` (who, which interaction, the criterion's title: what the page words in
the reader's language) and ``emailed_at`` (sent by e-mail, so never twice). ``notification_mail`` holds a
user's opt-in: the address notifications are e-mailed to.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("notifications", sa.Column("params", sa.JSON().with_variant(JSONB(), "postgresql")))
    op.add_column("notifications", sa.Column("emailed_at", sa.DateTime(timezone=True)))
    op.create_table(
        "notification_mail",
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_mail")
    op.drop_column("notifications", "emailed_at")
    op.drop_column("notifications", "params")
