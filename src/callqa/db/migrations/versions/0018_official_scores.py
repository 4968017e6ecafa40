"""The official score: evaluations and criterion results keep what the AI said (``ai_*``) beside the
official values, which a shared review replaces; ``evaluations.review_state`` mirrors that review. The
insight facts keep the AI's score and whether it was reviewed (the dashboards' "AI only" and "reviewed only").

Existing rows: the AI's values are copied from the official columns, then every review already shared
(shared, acknowledged, disputed, final) is published — its overrides become the official outcomes and its
score the official score, as the review service does from now on. The insights refresh state is cleared so
the next refresh rebuilds the facts from the official scores.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

evaluations = sa.table(
    "evaluations",
    sa.column("id", sa.Integer()),
    sa.column("scorecard_id", sa.Integer()),
    sa.column("score", sa.Float()),
    sa.column("raw_score", sa.Float()),
    sa.column("auto_failed", sa.Boolean()),
    sa.column("passed", sa.Boolean()),
    sa.column("ai_score", sa.Float()),
    sa.column("ai_auto_failed", sa.Boolean()),
    sa.column("review_state", sa.String()),
)
results = sa.table(
    "criterion_results",
    sa.column("id", sa.Integer()),
    sa.column("evaluation_id", sa.Integer()),
    sa.column("criterion", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("ai_outcome", sa.String()),
    sa.column("weight", sa.Float()),
    sa.column("critical", sa.Boolean()),
)
reviews = sa.table(
    "reviews",
    sa.column("id", sa.Integer()),
    sa.column("evaluation_id", sa.Integer()),
    sa.column("state", sa.String()),
)
overrides = sa.table(
    "review_overrides",
    sa.column("id", sa.Integer()),
    sa.column("review_id", sa.Integer()),
    sa.column("criterion", sa.String()),
    sa.column("outcome", sa.String()),
)
scorecards = sa.table("scorecards", sa.column("id", sa.Integer()), sa.column("source", sa.Text()))


def _pass_mark(source: str) -> float:
    import yaml  # the scorecard's own pass mark; 80 is the spec's default

    try:
        spec = yaml.safe_load(source) or {}
        return float(spec.get("pass_mark", 80.0))
    except (yaml.YAMLError, AttributeError, TypeError, ValueError):
        return 80.0


def _publish(connection: sa.Connection, review_id: int, evaluation_id: int, state: str) -> None:
    changed: dict[str, str] = {}
    for criterion, outcome in connection.execute(
        sa.select(overrides.c.criterion, overrides.c.outcome)
        .where(overrides.c.review_id == review_id)
        .order_by(overrides.c.id)
    ):
        changed[criterion] = outcome  # the latest change of a criterion wins
    final = []
    for row_id, criterion, ai, weight, critical in connection.execute(
        sa.select(
            results.c.id, results.c.criterion, results.c.ai_outcome, results.c.weight, results.c.critical
        ).where(results.c.evaluation_id == evaluation_id)
    ):
        outcome = changed.get(criterion, ai)
        final.append((outcome, float(weight), bool(critical)))
        if outcome != ai:
            connection.execute(sa.update(results).where(results.c.id == row_id).values(outcome=outcome))
    applicable = [(o, w) for o, w, _ in final if o != "n/a"]
    total = sum(w for _, w in applicable)
    raw = round(100 * sum(w for o, w in applicable if o == "pass") / total, 1) if total else None
    auto_failed = any(critical and o == "fail" for o, _, critical in final)
    source = connection.scalar(
        sa.select(scorecards.c.source)
        .select_from(evaluations.join(scorecards, scorecards.c.id == evaluations.c.scorecard_id))
        .where(evaluations.c.id == evaluation_id)
    )
    passed = not auto_failed and raw is not None and raw >= _pass_mark(source or "")
    connection.execute(
        sa.update(evaluations)
        .where(evaluations.c.id == evaluation_id)
        .values(
            score=0.0 if auto_failed else raw,
            raw_score=raw,
            auto_failed=auto_failed,
            passed=passed,
            review_state=state,
        )
    )


def upgrade() -> None:
    op.add_column("evaluations", sa.Column("ai_score", sa.Float(), nullable=True))
    op.add_column("evaluations", sa.Column("ai_auto_failed", sa.Boolean(), nullable=True))
    op.add_column("evaluations", sa.Column("review_state", sa.String(16), nullable=True))
    op.add_column("criterion_results", sa.Column("ai_outcome", sa.String(8), nullable=True))
    op.add_column("insight_facts", sa.Column("ai_score", sa.Float(), nullable=True))
    op.add_column("insight_facts", sa.Column("ai_low", sa.Boolean(), nullable=True))
    op.add_column("insight_facts", sa.Column("ai_auto_failed", sa.Boolean(), nullable=True))
    op.add_column(
        "insight_facts", sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    for mask in ("criteria_ai_judged", "criteria_ai_failed", "criteria_ai_na"):
        op.add_column("insight_facts", sa.Column(mask, sa.Integer(), nullable=False, server_default="0"))
    connection = op.get_bind()
    connection.execute(
        sa.update(evaluations).values(ai_score=evaluations.c.score, ai_auto_failed=evaluations.c.auto_failed)
    )
    connection.execute(sa.update(results).values(ai_outcome=results.c.outcome))
    shared = connection.execute(
        sa.select(reviews.c.id, reviews.c.evaluation_id, reviews.c.state).where(reviews.c.state != "draft")
    ).all()
    for review_id, evaluation_id, state in shared:
        _publish(connection, review_id, evaluation_id, state)
    op.execute(sa.text("DELETE FROM insight_state WHERE key = 'facts'"))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.update(evaluations).values(score=evaluations.c.ai_score, auto_failed=evaluations.c.ai_auto_failed)
    )
    connection.execute(sa.update(results).values(outcome=results.c.ai_outcome))
    for column in (
        "criteria_ai_na",
        "criteria_ai_failed",
        "criteria_ai_judged",
        "reviewed",
        "ai_auto_failed",
        "ai_low",
        "ai_score",
    ):
        op.drop_column("insight_facts", column)
    op.drop_column("criterion_results", "ai_outcome")
    op.drop_column("evaluations", "review_state")
    op.drop_column("evaluations", "ai_auto_failed")
    op.drop_column("evaluations", "ai_score")
    op.execute(sa.text("DELETE FROM insight_state WHERE key = 'facts'"))
