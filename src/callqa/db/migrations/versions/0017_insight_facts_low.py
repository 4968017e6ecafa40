"""Insight facts: whether the interaction scored below the low-score line, decided once by the refresh.

Dashboards, root causes and the CSAT quadrants read the flag instead of each comparing the score with a
line of their own (the roll-ups already counted it at refresh time). Existing facts have no flag yet: the
refresh's state is cleared so the next refresh rebuilds every fact and roll-up.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("insight_facts", sa.Column("low", sa.Boolean(), nullable=True))
    op.execute(sa.text("DELETE FROM insight_state WHERE key = 'facts'"))


def downgrade() -> None:
    op.drop_column("insight_facts", "low")
    op.execute(sa.text("DELETE FROM insight_state WHERE key = 'facts'"))
