"""Migration 0025 keeps the coaching stored before it: each talk gets its agent's name, action items ticked
done become ``done``, and an agent without an account can be coached afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from callqa.db.migrate import alembic_config, upgrade
from support import Database


def test_coaching_stored_before_0025_gets_agent_names_and_item_statuses(db: Database) -> None:
    command.downgrade(alembic_config(db.engine), "0023")
    now = datetime.now(UTC)
    try:
        with db.engine.begin() as connection:
            user = connection.execute(
                text(
                    "INSERT INTO users (username, display_name, password_hash, role, agent_name, locale,"
                    " active, created_at)"
                    " VALUES ('j.smith', 'John', 'x', 'agent', 'j.smith', 'en', true, :at) RETURNING id"
                ),
                {"at": now},
            ).scalar_one()
            coaching = connection.execute(
                text(
                    "INSERT INTO coaching (agent_id, title, notes, state, created_at)"
                    " VALUES (:user, 'Empathy', 'Say sorry.', 'open', :at) RETURNING id"
                ),
                {"user": user, "at": now},
            ).scalar_one()
            for item, done in (("listen to two calls", now), ("role-play", None)):
                connection.execute(
                    text("INSERT INTO coaching_actions (coaching_id, text, done_at) VALUES (:c, :t, :d)"),
                    {"c": coaching, "t": item, "d": done},
                )
    finally:
        upgrade(db.engine)
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT agent_name FROM coaching")).scalar_one() == "j.smith"
        statuses = connection.execute(text("SELECT text, status FROM coaching_actions ORDER BY id")).all()
        assert [tuple(r) for r in statuses] == [("listen to two calls", "done"), ("role-play", "open")]
        connection.execute(  # an agent with no account: no user id, only the name on the interactions
            text(
                "INSERT INTO coaching (agent_id, agent_name, title, notes, state, created_at)"
                " VALUES (NULL, 'p.owens', 'Holds', 'Ask first.', 'open', :at)"
            ),
            {"at": now},
        )
        assert (
            connection.execute(text("SELECT count(*) FROM coaching WHERE agent_id IS NULL")).scalar_one() == 1
        )
