"""The bundled demo data set: Acme Bank's calls, chats and e-mails in five languages."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def demo_data_dir() -> Path:
    """The folder holding the demo interactions (and their ``callqa.yaml`` ingest config)."""
    return Path(str(files("callqa.demo") / "data"))
