"""The key behind the web forms' CSRF tokens: configured, or generated once and kept in the data folder."""

from __future__ import annotations

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.secret_file import read_or_create_secret
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
    return read_or_create_secret(settings.data_dir / "secret.key")
