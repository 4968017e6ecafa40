"""Scorecards: where each stored version came from (built-in, a YAML file, the web editor).

The scorecard store scores with the newest version saved in the editor, else the shipped built-in; this
column tells them apart. Existing rows: a built-in name's first version and any version whose text is the
shipped one are ``builtin``, its later versions ``editor`` (the editor is the only other way a built-in
name gets a new version); other names are ``file``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _builtin_sources() -> dict[str, str]:
    data = resources.files("callqa.scoring") / "data"
    return {
        p.name.removesuffix(".yaml"): p.read_text(encoding="utf-8")
        for p in data.iterdir()
        if p.name.endswith(".yaml")
    }


def upgrade() -> None:
    # a plain ADD / DROP COLUMN (SQLite has both): a batch copy of the table would trip the evaluations'
    # foreign keys to it
    op.add_column("scorecards", sa.Column("origin", sa.String(16), nullable=False, server_default="builtin"))
    table = sa.table(
        "scorecards",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("source", sa.Text()),
        sa.column("origin", sa.String()),
    )
    builtins = _builtin_sources()
    connection = op.get_bind()
    for row_id, name, version, source in connection.execute(
        sa.select(table.c.id, table.c.name, table.c.version, table.c.source)
    ):
        if name not in builtins:
            origin = "file"
        elif version > 1 and source != builtins[name]:
            origin = "editor"
        else:
            continue
        connection.execute(sa.update(table).where(table.c.id == row_id).values(origin=origin))


def downgrade() -> None:
    op.drop_column("scorecards", "origin")
