"""Scorecard versions, analyses, evaluations, criterion results and the LLM verdict cache.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, primary_key=True, autoincrement=True)


def _ref(column: str, table: str, *, cascade: bool = True) -> sa.Column[int]:
    return sa.Column(
        column, ID, sa.ForeignKey(f"{table}.id", ondelete="CASCADE" if cascade else None), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "scorecards",
        _id(),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("name", "version"),
        sa.UniqueConstraint("name", "content_hash"),
    )
    op.create_table(
        "analyses",
        _id(),
        _ref("interaction_id", "interactions"),
        sa.Column("pipeline", sa.String(512), nullable=False),
        sa.Column("interaction_hash", sa.String(64), nullable=False),
        sa.Column("language", sa.String(35)),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("interaction_id"),
    )
    op.create_table(
        "evaluations",
        _id(),
        _ref("interaction_id", "interactions"),
        _ref("scorecard_id", "scorecards", cascade=False),
        sa.Column("scorecard_name", sa.String(128), nullable=False),
        sa.Column("engine_version", sa.String(64), nullable=False),
        sa.Column("pipeline", sa.String(512), nullable=False),
        sa.Column("interaction_hash", sa.String(64), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("raw_score", sa.Float()),
        sa.Column("auto_failed", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_evaluations_interaction_id", "evaluations", ["interaction_id", "is_current"])
    op.create_index("ix_evaluations_scorecard_name", "evaluations", ["scorecard_name", "is_current"])
    op.create_table(
        "criterion_results",
        _id(),
        _ref("evaluation_id", "evaluations"),
        sa.Column("criterion", sa.String(64), nullable=False),
        sa.Column("section", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
    )
    op.create_index("ix_criterion_results_evaluation_id", "criterion_results", ["evaluation_id"])
    op.create_index("ix_criterion_results_criterion", "criterion_results", ["criterion", "outcome"])
    op.create_table(
        "llm_verdicts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("prompt_version", sa.String(128), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("llm_verdicts", "criterion_results", "evaluations", "analyses", "scorecards"):
        op.drop_table(table)
