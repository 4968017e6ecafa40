"""Helpers shared by tests (importable as ``support`` thanks to ``pythonpath`` in pyproject)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


@dataclass
class Database:
    """A migrated test database and how to reach it."""

    backend: str
    url: str
    engine: Engine
    factory: sessionmaker[Session]
