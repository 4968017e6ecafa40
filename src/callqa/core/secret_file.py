"""A random secret generated once and kept in a file (0600) that concurrent first starts agree on."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def read_or_create_secret(path: Path) -> str:
    """The secret in ``path``; when there is none, a new random one, published whole.

    The value is written to a private temporary file and hard-linked into place, so another process starting
    at the same moment either sees no file or the complete secret, never an empty one; the first link wins and
    the loser reads the winner's value."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(value + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:  # another process published first: use theirs
            return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(temporary)
    return value
