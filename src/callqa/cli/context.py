"""What every command needs: settings, a migrated database, the config file, and error printing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.config import CallqaConfig, load_config
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.db.engine import engine_from_settings, session_factory
from callqa.db.migrate import ensure_schema

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class App:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    config: CallqaConfig


def fail(message: str, code: int = 2) -> NoReturn:
    # Escaped: messages quote locations such as ``sections[opening]``, which rich would take for markup.
    err_console.print(f"[red]error:[/red] {escape(message)}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def open_app(config_file: Path | None = None, *, migrate: bool = True) -> Iterator[App]:
    """Settings from the environment, the database migrated to the current schema, the config loaded."""
    settings = Settings()
    try:
        config = load_config(config_file or settings.config_file)
        engine = engine_from_settings(settings)
        if migrate:
            ensure_schema(engine)
    except CallqaError as exc:
        fail(str(exc))
    try:
        yield App(settings, engine, session_factory(engine), config)
    finally:
        engine.dispose()


def is_terminal() -> bool:
    return sys.stdout.isatty()
