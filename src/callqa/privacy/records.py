"""Where the placeholders are in a stored interaction: the redaction record, rebuilt from the text itself.

Reading the record from the placeholders keeps it true after the document changes shape (thread messages
merged in, metadata applied), which a list kept from the first redaction would not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from callqa.core.document import Interaction
from callqa.privacy.kinds import KINDS, PLACEHOLDERS, Kind
from callqa.privacy.redact import FieldRedaction

_PLACEHOLDER = re.compile("|".join(re.escape(PLACEHOLDERS[kind]) for kind in KINDS))
_KIND_OF: dict[str, Kind] = {PLACEHOLDERS[kind]: kind for kind in KINDS}


def placeholder_records(interaction: Interaction) -> list[FieldRedaction]:
    """Every placeholder in the interaction's free-text fields, with its field path and span."""
    return [
        FieldRedaction(path, _KIND_OF[match.group()], match.start(), match.end())
        for path, text in _texts(interaction)
        if "[" in text
        for match in _PLACEHOLDER.finditer(text)
    ]


def _texts(interaction: Interaction) -> Iterator[tuple[str, str]]:
    for name in ("external_id", "agent", "team", "queue", "customer"):
        if label := getattr(interaction, name):
            yield name, label
    for index, turn in enumerate(interaction.turns):
        yield f"turns.{index}.text", turn.text
        if turn.speaker:
            yield f"turns.{index}.speaker", turn.speaker
        if turn.external_id:
            yield f"turns.{index}.external_id", turn.external_id
    if interaction.subject:
        yield "subject", interaction.subject
    for index, event in enumerate(interaction.events):
        if event.detail:
            yield f"events.{index}.detail", event.detail
    if interaction.survey and interaction.survey.comment:
        yield "survey.comment", interaction.survey.comment
    yield from _values(interaction.metadata, "metadata")


def _values(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield f"{path}.<key>", key
            yield from _values(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _values(item, f"{path}.{index}")
