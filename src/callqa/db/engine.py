"""Creating engines and sessions; SQLite gets WAL, foreign keys and a busy timeout on every connection, and
``ln`` where its build lacks the math functions (skill profiles add up log handle times in SQL)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.settings import Settings


def create_db_engine(url: str, *, busy_timeout_s: float = 30.0, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite connections are put in WAL mode with foreign keys on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout_s})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # deleted rows are overwritten, not left in free pages: an erasure must leave nothing in the file
        cursor.execute("PRAGMA secure_delete=ON")
        try:
            cursor.execute("SELECT ln(1)")
        except sqlite3.OperationalError:  # built without SQLITE_ENABLE_MATH_FUNCTIONS
            dbapi_connection.create_function("ln", 1, natural_log, deterministic=True)
    finally:
        cursor.close()


def natural_log(value: float | None) -> float | None:
    """SQL ``ln`` for a SQLite without it: NULL for NULL and for values it is not defined at."""
    return math.log(value) if value is not None and value > 0 else None


def engine_from_settings(settings: Settings) -> Engine:
    """The engine the settings describe."""
    return create_db_engine(settings.resolved_database_url(), busy_timeout_s=settings.sqlite_busy_timeout_s)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
