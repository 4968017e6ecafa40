"""Coaching for any agent in the data, action items with a follow-up status, calibration expert answers.

``coaching`` gains ``agent_name`` (the ``agent`` on the interactions, filled from the agent's account for
existing rows) and ``agent_id`` may be empty: an agent with no user account can be coached too.
``coaching_actions`` gains ``status`` (open | done | not_done; rows ticked done so far become ``done``).
``calibration_expert_answers`` holds the reference answer the session owner sets per criterion of an
interaction, which the calibration grid compares every grader against.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _rebuild_coaching(change: Callable[[Any], None]) -> None:
    """Change ``coaching``; SQLite rebuilds the table, and dropping the old one would cascade to every action
    item (foreign keys are on), so the items are kept aside and put back."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMPORARY TABLE coaching_actions_kept AS SELECT * FROM coaching_actions")
    with op.batch_alter_table("coaching") as batch:
        change(batch)
    if sqlite:
        op.execute("INSERT INTO coaching_actions SELECT * FROM coaching_actions_kept")
        op.execute("DROP TABLE coaching_actions_kept")


def _add_agent_name(batch: Any) -> None:
    batch.add_column(sa.Column("agent_name", sa.String(255), nullable=False, server_default=""))
    batch.alter_column("agent_id", existing_type=ID, nullable=True)


def _drop_agent_name(batch: Any) -> None:
    batch.alter_column("agent_id", existing_type=ID, nullable=False)
    batch.drop_column("agent_name")


def upgrade() -> None:
    _rebuild_coaching(_add_agent_name)
    op.execute(
        "UPDATE coaching SET agent_name ="
        " (SELECT users.agent_name FROM users WHERE users.id = coaching.agent_id)"
    )
    op.execute("UPDATE coaching SET agent_name = '' WHERE agent_name IS NULL")
    op.create_index("ix_coaching_agent_name", "coaching", ["agent_name"])
    with op.batch_alter_table("coaching_actions") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="open"))
    op.execute("UPDATE coaching_actions SET status = 'done' WHERE done_at IS NOT NULL")
    op.create_table(
        "calibration_expert_answers",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("calibration_id", ID, sa.ForeignKey("calibrations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("criterion", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("set_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("set_at", TS, nullable=False),
        sa.UniqueConstraint("calibration_id", "interaction_id", "criterion"),
    )


def downgrade() -> None:
    op.drop_table("calibration_expert_answers")
    with op.batch_alter_table("coaching_actions") as batch:
        batch.drop_column("status")
    op.execute("DELETE FROM coaching WHERE agent_id IS NULL")  # an agent without an account: no place left
    op.drop_index("ix_coaching_agent_name", "coaching")
    _rebuild_coaching(_drop_agent_name)
