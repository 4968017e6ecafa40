"""Calibration sessions: interactions, graders, grades.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _ref(column: str, table: str) -> sa.Column[int]:
    return sa.Column(column, ID, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "calibrations",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("scorecard_name", sa.String(128), nullable=False),
        sa.Column("benchmark", sa.String(128)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("notes", JSON, nullable=False),
        sa.Column("created_by", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS),
    )
    op.create_table(
        "calibration_items",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _ref("calibration_id", "calibrations"),
        _ref("interaction_id", "interactions"),
        sa.UniqueConstraint("calibration_id", "interaction_id"),
    )
    op.create_table(
        "calibration_graders",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _ref("calibration_id", "calibrations"),
        _ref("user_id", "users"),
        sa.UniqueConstraint("calibration_id", "user_id"),
    )
    op.create_table(
        "calibration_grades",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _ref("calibration_id", "calibrations"),
        _ref("interaction_id", "interactions"),
        _ref("user_id", "users"),
        sa.Column("criterion", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("calibration_id", "interaction_id", "user_id", "criterion"),
    )


def downgrade() -> None:
    for table in ("calibration_grades", "calibration_graders", "calibration_items", "calibrations"):
        op.drop_table(table)
