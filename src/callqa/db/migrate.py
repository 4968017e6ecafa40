"""Running Alembic migrations from code (the CLI and the tests use this; no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The full-text index (0022) lives outside the models: SQLite's FTS5 table with its shadow tables and
# PostgreSQL's index; so do PostgreSQL's stored ``turns.search_vector`` and its newest-first orderings
# (0027: SQLite has no NULLS LAST in an index and needs none); comparing or autogenerating must leave them
# alone.
SEARCH_INDEX_NAMES = ("turns_fts", "ix_turns_search", "ix_pg_order_", "search_vector")


def is_modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name``: False for the full-text index's tables and index."""
    return not (name or "").startswith(SEARCH_INDEX_NAMES)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def ensure_schema(engine: Engine) -> None:
    """Upgrade when the database is behind the code; cheap when it is current."""
    if current_revision(engine) != head_revision(engine):
        upgrade(engine)
