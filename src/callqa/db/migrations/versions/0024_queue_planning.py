"""Review queues planned in the app: due dates, archiving, reasons that name the criterion, review times.

``review_queues`` gains ``due_on``, ``updated_at`` and ``closed_at`` (a closed queue is an archive: its done
items stay). ``review_queue_items`` gains ``params`` (the failed critical criterion's title, the score: what
the page words in the reader's language). ``review_opens`` holds when a reviewer opened an interaction's
review form, the start of the time a review took (analyst productivity).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("review_queues", sa.Column("due_on", sa.Date()))
    op.add_column("review_queues", sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.add_column("review_queues", sa.Column("closed_at", sa.DateTime(timezone=True)))
    op.add_column("review_queue_items", sa.Column("params", sa.JSON().with_variant(JSONB(), "postgresql")))
    op.create_table(
        "review_opens",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_opens_user", "review_opens", ["user_id", "interaction_id", "opened_at"])


def downgrade() -> None:
    op.drop_index("ix_review_opens_user", table_name="review_opens")
    op.drop_table("review_opens")
    op.drop_column("review_queue_items", "params")
    op.drop_column("review_queues", "closed_at")
    op.drop_column("review_queues", "updated_at")
    op.drop_column("review_queues", "due_on")
