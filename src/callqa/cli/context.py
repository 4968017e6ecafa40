"""What every command needs: the runtime (settings, configuration file, migrated database), error printing."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from callqa.audit.service import record
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.runtime import Runtime

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> NoReturn:
    # Escaped: messages quote locations such as ``sections[opening]``, which rich would take for markup.
    err_console.print(f"[red]error:[/red] {escape(message)}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def open_app(config_file: Path | None = None, *, migrate: bool = True) -> Iterator[Runtime]:
    """The runtime: settings from the environment (``config_file`` in place of the configured file), the
    database migrated to the current schema; a bad file or database is a coded error and exit code 2."""
    settings = Settings(config_file=config_file) if config_file is not None else Settings()
    try:
        runtime = Runtime.open(settings, migrate=migrate)
    except CallqaError as exc:
        fail(str(exc))
    with runtime:
        yield runtime


def is_terminal() -> bool:
    return sys.stdout.isatty()


def operator() -> str:
    """Who runs the command, as the audit log names them: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "cli:unknown"


def cli_audit(
    runtime: Runtime,
    action: str,
    resource: str,
    resource_id: object = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """An audit row for a command-line action (its own transaction; the client is ``cli``)."""
    with runtime.factory.begin() as session:
        record(
            session,
            user_id=None,
            username=operator(),
            action=action,
            resource=resource,
            resource_id=resource_id,
            detail=detail,
            client="cli",
        )
