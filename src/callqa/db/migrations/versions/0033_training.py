"""Training: scenarios and versions, assignments, practices and their turns, classes, items, comments.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def _fk(name: str, target: str, ondelete: str, *, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, ID, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _scenarios() -> None:
    op.create_table(
        "training_scenarios",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("scorecard", sa.String(255), nullable=False),
        sa.Column("criterion", sa.String(255)),
        sa.Column("reason", sa.String(255)),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        _fk("source_interaction_id", "interactions.id", "SET NULL"),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _fk("created_by", "users.id", "SET NULL"),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN),
    )
    op.create_table(
        "training_scenario_versions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _fk("scenario_id", "training_scenarios.id", "CASCADE", nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        _fk("created_by", "users.id", "SET NULL"),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("scenario_id", "version"),
    )


def _assignments_and_practices() -> None:
    op.create_table(
        "training_assignments",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _fk("scenario_id", "training_scenarios.id", "CASCADE", nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        _fk("agent_id", "users.id", "CASCADE", nullable=False),
        sa.Column("agent_name", sa.String(255), nullable=False),
        _fk("team_id", "teams.id", "SET NULL"),
        sa.Column("batch", sa.String(64)),
        sa.Column("origin", sa.String(16), nullable=False),
        _fk("coaching_id", "coaching.id", "SET NULL"),
        _fk("interaction_id", "interactions.id", "SET NULL"),
        sa.Column("criterion", sa.String(255)),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("state", sa.String(16), nullable=False),
        _fk("assigned_by", "users.id", "SET NULL"),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("completed_at", WHEN),
    )
    op.create_index("ix_training_assignments_agent_id", "training_assignments", ["agent_id"])
    op.create_index("ix_training_assignments_scenario_id", "training_assignments", ["scenario_id"])
    op.create_table(
        "training_practices",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _fk("scenario_id", "training_scenarios.id", "CASCADE", nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        _fk("agent_id", "users.id", "CASCADE", nullable=False),
        sa.Column("agent_name", sa.String(255), nullable=False),
        _fk("assignment_id", "training_assignments.id", "SET NULL"),
        sa.Column("customer", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_step", sa.String(64)),
        sa.Column("harder_branches", sa.Integer, nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN),
        sa.Column("scorecard", sa.String(255)),
        sa.Column("scorecard_hash", sa.String(64)),
        sa.Column("score", sa.Float),
        sa.Column("passed", sa.Boolean),
        sa.Column("auto_failed", sa.Boolean),
        sa.Column("results", JSON),
    )
    op.create_index("ix_training_practices_agent_id", "training_practices", ["agent_id"])
    op.create_index("ix_training_practices_scenario_id", "training_practices", ["scenario_id"])
    op.create_table(
        "training_practice_turns",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _fk("practice_id", "training_practices.id", "CASCADE", nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("step_id", sa.String(64)),
        sa.Column("mood", sa.String(16)),
        sa.Column("input", sa.String(8)),
        sa.Column("checks", JSON),
        sa.Column("branch", sa.String(8)),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("practice_id", "seq"),
    )


def _classes() -> None:
    op.create_table(
        "training_classes",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(255), nullable=False),
        _fk("team_id", "teams.id", "SET NULL"),
        sa.Column("scheduled_for", WHEN),
        sa.Column("state", sa.String(16), nullable=False),
        _fk("created_by", "users.id", "SET NULL"),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("held_at", WHEN),
    )
    op.create_table(
        "training_class_items",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _fk("class_id", "training_classes.id", "CASCADE", nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        _fk("interaction_id", "interactions.id", "CASCADE", nullable=False),
        sa.Column("moments", JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("revealed_at", WHEN),
        sa.UniqueConstraint("class_id", "position"),
    )
    op.create_table(
        "training_class_comments",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _fk("item_id", "training_class_items.id", "CASCADE", nullable=False),
        _fk("author_id", "users.id", "SET NULL"),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("turn", sa.Integer),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("article_id", "kb_articles.id", "SET NULL"),
    )
    op.create_index("ix_training_class_comments_item_id", "training_class_comments", ["item_id"])


def upgrade() -> None:
    _scenarios()
    _assignments_and_practices()
    _classes()


def downgrade() -> None:
    for table in (
        "training_class_comments",
        "training_class_items",
        "training_classes",
        "training_practice_turns",
        "training_practices",
        "training_assignments",
        "training_scenario_versions",
        "training_scenarios",
    ):
        op.drop_table(table)
