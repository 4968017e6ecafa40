"""Ingest runs say whether they finished or were interrupted; scoring keeps what it could not score.

``ingest_runs`` gains ``status`` (running, finished, interrupted), the ``host`` and ``pid`` of the process
running it (a later run on the same host marks a run whose process is gone as interrupted) and how many
files were ``skipped``. Existing rows: finished when they have a finish time, otherwise interrupted (a run
killed before this migration). ``score_failures`` records each interaction a scoring run failed, with the
coded cause (e.g. over the per-interaction time budget).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column(
        "ingest_runs", sa.Column("status", sa.String(16), nullable=False, server_default="finished")
    )
    op.add_column("ingest_runs", sa.Column("host", sa.String(255), nullable=True))
    op.add_column("ingest_runs", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column("ingest_runs", sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))
    runs = sa.table("ingest_runs", sa.column("status", sa.String()), sa.column("finished_at", sa.DateTime()))
    op.execute(runs.update().where(runs.c.finished_at.is_(None)).values(status="interrupted"))
    op.create_table(
        "score_failures",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column(
            "interaction_id",
            ID,
            sa.ForeignKey("interactions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("scorecard_name", sa.String(128), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_score_failures_interaction_id", "score_failures", ["interaction_id"])


def downgrade() -> None:
    op.drop_index("ix_score_failures_interaction_id", table_name="score_failures")
    op.drop_table("score_failures")
    for column in ("skipped", "pid", "host", "status"):
        op.drop_column("ingest_runs", column)
