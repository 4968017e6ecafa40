"""The key behind the web forms' CSRF tokens: configured, or generated once and kept in the data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings

MIN_LENGTH = 32


def session_secret(settings: Settings) -> str:
    """``CALLQA_SECRET_KEY`` (refused when short), else a random key in ``<data_dir>/secret.key`` (0600)."""
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value()
        if len(value) < MIN_LENGTH:
            raise CallqaError(
                ErrorCode.W100, reason=f"CALLQA_SECRET_KEY must have at least {MIN_LENGTH} characters"
            )
        return value
    path = settings.data_dir / "secret.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    return _create(path)


def _create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return value
