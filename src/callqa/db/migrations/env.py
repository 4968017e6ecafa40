"""Alembic environment: the engine (and, to autogenerate, the metadata) come from ``callqa.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through callqa.db.migrate (it supplies the engine)")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes.get("metadata"),  # set for autogenerate only
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
