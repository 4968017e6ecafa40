"""Alembic environment: uses the engine handed over by ``callqa.db.migrate``.

The target metadata is ``Base.metadata`` for its naming convention (constraints created by the migrations
are named by it); its tables are all registered once ``callqa.tables`` has been imported, as comparing the
schema with the models (tests/db/test_migrations.py) or autogenerating a revision needs.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from callqa.db.base import Base
from callqa.db.migrate import is_modelled

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through callqa.db.migrate (it supplies the engine)")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=is_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()
