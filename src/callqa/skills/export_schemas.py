"""The JSON Schemas (draft 2020-12) of the routing exports, shipped in ``callqa/skills/schemas``: one per JSON
document, and one for a row of the CSV (its cells as text, keyed by column)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILES = {"csv": "csv.json", "amazon-connect": "amazon-connect.json", "genesys": "genesys.json"}


def schema(fmt: str) -> dict[str, Any]:
    """The schema of format ``fmt`` (a key of ``SCHEMA_FILES``)."""
    text = resources.files("callqa.skills").joinpath("schemas", SCHEMA_FILES[fmt]).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
