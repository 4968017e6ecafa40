"""The migrations build exactly the schema the ORM models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from callqa.core.query import InteractionQuery
from callqa.db.migrate import alembic_config, is_modelled, upgrade
from callqa.insights.causes import root_causes
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.review.service import override, share, start_review
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import EvaluationRow, ScorecardRow
from callqa.tables import metadata
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user
from insights_support import add, scorecard
from support import Database

CONFIG = InsightConfig(ZoneInfo("UTC"))
TWO = {"greeting": "fail", "thanks": "pass"}


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_name": is_modelled}
        )
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


def test_cause_counts_empty_the_derived_tables_so_the_next_insights_refresh_rebuilds_everything(
    db: Database,
) -> None:
    with db.factory.begin() as session:
        card = scorecard(session)
        for day, outcome in ((2, "fail"), (3, "pass")):
            add(
                session, card, datetime(2026, 3, day, 9, tzinfo=UTC), score=50, criteria={"greeting": outcome}
            )
    refresh_insights(db.factory, CONFIG)
    command.downgrade(alembic_config(db.engine), "0014")  # facts and roll-ups without the cause counts
    try:
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM insight_monthly")) == 1
    finally:
        upgrade(db.engine)
    with db.engine.connect() as connection:
        for table in ("insight_facts", "insight_daily", "insight_hourly_monthly", "insight_criterion_slots"):
            assert connection.scalar(text(f"SELECT count(*) FROM {table}")) == 0, table
    assert refresh_insights(db.factory, CONFIG).full
    with db.factory() as session:
        _, counted, _ = root_causes(
            session, InteractionQuery.on_days(date(2026, 3, 1), date(2026, 3, 31)), "failed:greeting"
        )
    assert (counted.total, counted.positives) == (2, 1)


@pytest.mark.issue(16)
def test_scorecard_origins_are_told_apart_for_versions_stored_before_they_were_recorded(db: Database) -> None:
    shipped = load_scorecard("standard").source_text
    command.downgrade(alembic_config(db.engine), "0015")
    try:
        with db.engine.begin() as connection:
            for name, version, source in (
                ("standard", 1, shipped.replace("title:", "# an older release\ntitle:", 1)),
                ("standard", 2, shipped.replace("title:", "# edited\ntitle:", 1)),
                ("standard", 3, shipped),
                ("mine", 1, "name: mine"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO scorecards (name, version, title, content_hash, source, created_at)"
                        " VALUES (:name, :version, 't', :hash, :source, :at)"
                    ),
                    {
                        "name": name,
                        "version": version,
                        "hash": f"{name}{version}",
                        "source": source,
                        "at": datetime.now(UTC),
                    },
                )
    finally:
        upgrade(db.engine)
    with db.engine.connect() as connection:
        origins = connection.execute(
            text("SELECT name, version, origin FROM scorecards ORDER BY name, version")
        )
        assert [tuple(r) for r in origins] == [
            ("mine", 1, "file"),
            ("standard", 1, "builtin"),
            ("standard", 2, "editor"),
            ("standard", 3, "builtin"),
        ]


@pytest.mark.issue(17)
def test_reviews_shared_before_the_official_score_existed_become_official_on_upgrade(db: Database) -> None:
    """Downgrading puts the AI's values back; upgrading publishes every shared review again."""
    with db.factory.begin() as session:
        card = ScorecardRow(
            name="standard",
            version=1,
            title="Standard",
            content_hash="h",
            source=load_scorecard("standard").source_text,
            created_at=datetime.now(UTC),
        )
        session.add(card)
        session.flush()
        ident = add(session, card, datetime(2026, 3, 2, tzinfo=UTC), score=50.0, criteria=TWO)
        user = create_user(
            session,
            UserCreate(username="qa", display_name="QA", password="long-enough-pw", role=UserRole.QA_ANALYST),
        )
        evaluation = session.scalars(
            select(EvaluationRow.id).where(EvaluationRow.interaction_id == ident)
        ).one()
        review = start_review(session, evaluation, user.id)
        override(
            session, review, criterion="greeting", outcome="pass", reason="named the bank", user_id=user.id
        )
        share(session, review)
    read = "SELECT score, ai_score, review_state, passed FROM evaluations"
    with db.engine.connect() as connection:
        assert tuple(connection.execute(text(read)).one()) == (100.0, 50.0, "shared", True)
    command.downgrade(alembic_config(db.engine), "0017")
    try:
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT score FROM evaluations")) == 50.0
            assert connection.scalar(
                text("SELECT outcome FROM criterion_results WHERE criterion = 'greeting'")
            ) == ("fail")
    finally:
        upgrade(db.engine)
    with db.engine.connect() as connection:
        assert tuple(connection.execute(text(read)).one()) == (100.0, 50.0, "shared", True)
        outcomes = text("SELECT ai_outcome, outcome FROM criterion_results WHERE criterion = 'greeting'")
        assert tuple(connection.execute(outcomes).one()) == ("fail", "pass")
