"""Call recordings: the interaction's audio (file-store URI, muted spans, how it was transcribed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("recording", JSON, nullable=True))
        batch.add_column(sa.Column("recording_sha256", sa.String(64), nullable=True))
        batch.create_index("ix_interactions_recording_sha256", ["recording_sha256"])


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_index("ix_interactions_recording_sha256")
        batch.drop_column("recording_sha256")
        batch.drop_column("recording")
