"""Full-text search over transcripts.

``turns`` gains ``search_text``: the turn's folded words (Chinese segmented by jieba, accents stripped,
Persian letters normalised; ``core.search_text``), filled here for every stored turn. SQLite
indexes it in the external-content FTS5 table ``turns_fts``, kept in step with ``turns`` by triggers (so
updates, deletes and purges drop old hits); PostgreSQL in a GIN index over ``to_tsvector('simple', ...)``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from callqa.core.search_text import index_text

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BATCH = 2000

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE turns_fts USING fts5(search_text, content='turns', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN"
    " INSERT INTO turns_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN"
    " INSERT INTO turns_fts(turns_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER turns_fts_update AFTER UPDATE OF search_text ON turns BEGIN"
    " INSERT INTO turns_fts(turns_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO turns_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def upgrade() -> None:
    op.add_column("turns", sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, text FROM turns WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        bind.execute(
            sa.text("UPDATE turns SET search_text = :words WHERE id = :id"),
            [{"id": row[0], "words": index_text(row[1] or "")} for row in rows],
        )
        last = rows[-1][0]
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            op.execute(statement)
        op.execute("INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX ix_turns_search ON turns USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("turns_fts_insert", "turns_fts_delete", "turns_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS turns_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_turns_search")
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("search_text")
