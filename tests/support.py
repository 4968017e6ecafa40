"""Helpers shared by tests (importable as ``support`` thanks to ``pythonpath`` in pyproject)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, select, text
from sqlalchemy.orm import Session, sessionmaker

from callqa.tables import metadata


@dataclass
class Database:
    """A migrated test database and how to reach it."""

    backend: str
    url: str
    engine: Engine
    factory: sessionmaker[Session]


Snapshot = list[tuple[Table, list[dict[str, Any]]]]
_SNAPSHOTS: dict[tuple[str, str], Snapshot] = {}


def seeded(db: Database, name: str, build: Callable[[Database], None]) -> None:
    """Fill the (empty) test database with the rows ``build`` makes: for real the first time on each backend,
    then from a snapshot of that result, ids included, in milliseconds instead of seconds."""
    snapshot = _SNAPSHOTS.get((name, db.backend))
    if snapshot is None:
        build(db)
        _SNAPSHOTS[(name, db.backend)] = take_snapshot(db)
    else:
        restore_snapshot(db, snapshot)


def take_snapshot(db: Database) -> Snapshot:
    """Every row of every table, parents before children."""
    with db.engine.connect() as connection:
        return [
            (table, [dict(row._mapping) for row in connection.execute(select(table))])
            for table in metadata.sorted_tables
        ]


def restore_snapshot(db: Database, snapshot: Snapshot) -> None:
    """Put the rows back into an emptied database; PostgreSQL's id sequences continue after them."""
    with db.engine.begin() as connection:
        for table, rows in snapshot:
            if rows:
                connection.execute(table.insert(), rows)
                if db.backend == "postgresql" and "id" in table.c:
                    connection.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :n)"),
                        {"n": max(row["id"] for row in rows)},
                    )
