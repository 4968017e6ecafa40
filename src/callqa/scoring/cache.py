"""LLM verdicts kept in the database, so re-scoring never asks the same question twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from callqa.scoring.models import LlmVerdictRow


class DatabaseVerdictCache:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def get(self, key: str) -> dict[str, Any] | None:
        with self.factory() as session:
            row = session.get(LlmVerdictRow, key)
            return None if row is None else dict(row.value)

    def put(self, key: str, prompt_version: str, value: dict[str, Any]) -> None:
        try:
            with self.factory.begin() as session:
                if session.get(LlmVerdictRow, key) is None:
                    session.add(
                        LlmVerdictRow(
                            key=key, prompt_version=prompt_version, value=value, created_at=datetime.now(UTC)
                        )
                    )
        except IntegrityError:
            pass  # another worker stored the verdict of the same question meanwhile: keep theirs
