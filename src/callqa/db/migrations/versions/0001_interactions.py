"""Interactions, turns, events, metadata overlays, redactions, ingest runs and failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, primary_key=True, autoincrement=True)


def _parent(table: str) -> sa.Column[int]:
    return sa.Column(
        "interaction_id" if table == "interactions" else "run_id",
        ID,
        sa.ForeignKey(f"{table}.id", ondelete="CASCADE", name=None),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "interactions",
        _id(),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(16)),
        sa.Column("agent", sa.String(255)),
        sa.Column("team", sa.String(255)),
        sa.Column("queue", sa.String(255)),
        sa.Column("customer", sa.String(255)),
        sa.Column("started_at", TS),
        sa.Column("duration_ms", sa.BigInteger()),
        sa.Column("language", sa.String(35)),
        sa.Column("subject", sa.Text()),
        sa.Column("csat", sa.Float()),
        sa.Column("csat_scale", sa.Integer()),
        sa.Column("nps", sa.Integer()),
        sa.Column("survey_comment", sa.Text()),
        sa.Column("survey_responded_at", TS),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("turn_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("ingested_from", sa.String(1024)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("source", "external_id"),
    )
    for column in ("external_id", "started_at", "agent", "team", "queue"):
        op.create_index(f"ix_interactions_{column}", "interactions", [column])
    op.create_table(
        "turns",
        _id(),
        _parent("interactions"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start_ms", sa.BigInteger()),
        sa.Column("end_ms", sa.BigInteger()),
        sa.Column("speaker", sa.String(255)),
        sa.Column("channel_index", sa.Integer()),
        sa.Column("external_id", sa.String(255)),
        sa.UniqueConstraint("interaction_id", "seq"),
    )
    op.create_table(
        "events",
        _id(),
        _parent("interactions"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start_ms", sa.BigInteger()),
        sa.Column("end_ms", sa.BigInteger()),
        sa.Column("detail", sa.Text()),
        sa.UniqueConstraint("interaction_id", "seq"),
    )
    op.create_table(
        "redactions",
        _id(),
        _parent("interactions"),
        sa.Column("field", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
    )
    op.create_index("ix_redactions_interaction_id", "redactions", ["interaction_id"])
    op.create_table(
        "metadata_overlays",
        _id(),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("source_key", sa.String(64), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("origin", sa.String(1024)),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("external_id", "source_key"),
    )
    op.create_table(
        "ingest_runs",
        _id(),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("paths", JSON, nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("options", JSON, nullable=False),
    )
    op.create_table(
        "ingest_failures",
        _id(),
        _parent("ingest_runs"),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("line", sa.Integer()),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_ingest_failures_path", "ingest_failures", ["path"])


def downgrade() -> None:
    for table in ("ingest_failures", "ingest_runs", "metadata_overlays", "redactions", "events", "turns"):
        op.drop_table(table)
    op.drop_table("interactions")
