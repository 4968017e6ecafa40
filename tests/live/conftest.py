"""Live tests reuse the web app's seeded database (demo interactions scored, demo users)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from callqa.core.settings import Settings
from callqa.web.app import create_app
from support import Database
from web_support import Web, seed


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    seed(db)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=db.url,
        secret_key=SecretStr("t" * 40),
        live_model_process=False,  # one test below runs the model process itself
    )
    yield Web(db, create_app(settings, engine=db.engine), settings)
