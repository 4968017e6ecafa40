"""The data lifecycle: pseudonymous customer keys of each interaction, legal holds, and the marks retention
leaves on an interaction whose text or audio it removed.

Existing interactions have no keys yet: a key is a keyed hash whose secret the migration does not know, and
redaction has already removed phone numbers and e-mail addresses from the stored text. `callqa db
customer-keys` keys them from what is stored (the customer field ...); erasure also finds them by their stored
customer field (docs/privacy.md, "Erasure on request").

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "interaction_customer_keys",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.UniqueConstraint("interaction_id", "key"),
    )
    op.create_index("ix_interaction_customer_keys_key", "interaction_customer_keys", ["key"])
    op.create_table(
        "legal_holds",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("keys", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(128)),
        sa.Column("released_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_legal_holds_active", "legal_holds", ["released_at", "scope"])
    # Metadata imports are stored redacted: the customer keys of their raw identifiers are kept beside them.
    with op.batch_alter_table("metadata_overlays") as batch:
        batch.add_column(sa.Column("customer_keys", JSON, nullable=False, server_default="[]"))
    op.create_table(
        "retention_marks",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("interaction_id", "kind"),
    )


def downgrade() -> None:
    with op.batch_alter_table("metadata_overlays") as batch:
        batch.drop_column("customer_keys")
    op.drop_table("retention_marks")
    op.drop_index("ix_legal_holds_active", table_name="legal_holds")
    op.drop_table("legal_holds")
    op.drop_index("ix_interaction_customer_keys_key", table_name="interaction_customer_keys")
    op.drop_table("interaction_customer_keys")
