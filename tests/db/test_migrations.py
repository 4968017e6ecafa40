"""The migrations build exactly the schema the ORM models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from callqa.db.migrate import alembic_config, upgrade
from callqa.db.models_registry import metadata
from callqa.insights.refresh import InsightConfig, refresh_insights
from support import Database

CONFIG = InsightConfig(ZoneInfo("UTC"))


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diffs = compare_metadata(context, metadata)
    assert diffs == []


def test_month_rollups_arrive_empty_so_the_next_insights_refresh_rebuilds_everything(db: Database) -> None:
    command.downgrade(alembic_config(db.engine), "0013")
    try:
        with db.engine.begin() as connection:  # refreshed before the month roll-ups existed
            connection.execute(
                text("INSERT INTO insight_state (key, value, config) VALUES ('facts', :at, :config)"),
                {"at": datetime.now(UTC), "config": CONFIG.signature()},
            )
    finally:
        upgrade(db.engine)
    assert refresh_insights(db.factory, CONFIG).full
