"""Combining documents: metadata overlays onto an interaction, and thread fragments into a stored thread."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic_core import to_jsonable_python

from callqa.core.document import Interaction, Turn

# Overlay fields that live inside nested parts of the document.
SURVEY_FIELDS = {"csat": "csat", "csat_scale": "csat_scale", "nps": "nps", "survey_comment": "comment"}


def normalise(doc: Interaction) -> Interaction:
    """The canonical stored form: derived duration filled in, metadata made JSON-safe."""
    return doc.model_copy(
        update={"duration_ms": doc.effective_duration_ms(), "metadata": to_jsonable_python(doc.metadata)}
    )


def apply_overlays(doc: Interaction, overlays: Iterable[Mapping[str, Any]]) -> Interaction:
    """Apply metadata-import fields (later overlays win); the result is validated again."""
    data: dict[str, Any] | None = None
    for fields in overlays:
        if data is None:
            data = doc.model_dump()
        for key, value in fields.items():
            if key in SURVEY_FIELDS:
                survey = dict(data.get("survey") or {})
                survey[SURVEY_FIELDS[key]] = value
                data["survey"] = survey
            elif key == "metadata" and isinstance(value, Mapping):
                data["metadata"] = {**data.get("metadata", {}), **value}
            else:
                data[key] = value
    return doc if data is None else Interaction.model_validate(data)


def merge_fragment(stored: Interaction, fragment: Interaction) -> Interaction:
    """A thread with the fragment's turns merged in by turn ``external_id`` (the fragment wins on a clash)."""
    starts = [d.started_at for d in (stored, fragment) if d.started_at is not None]
    base = min(starts) if starts else None
    merged: dict[str, tuple[datetime | int | None, Turn]] = {}
    for doc in (stored, fragment):
        for index, turn in enumerate(doc.turns):
            key = turn.external_id or f"{turn.role}:{turn.text}:{index}"
            merged[key] = (_absolute(doc.started_at, turn.start_ms), turn)
    ordered = sorted(merged.values(), key=lambda pair: _sort_key(pair[0]))
    turns = [_rebase(when, turn, base) for when, turn in ordered]
    earliest = stored if stored.started_at == base or fragment.started_at is None else fragment
    updates: dict[str, Any] = {
        name: value
        for name, value in fragment.model_dump(exclude={"turns", "events", "metadata", "survey"}).items()
        if value is not None
    }
    updates.update(
        started_at=base,
        subject=earliest.subject or fragment.subject,
        direction=earliest.direction or fragment.direction,
        turns=turns,
        events=_unique([*stored.events, *fragment.events]),
        survey=fragment.survey or stored.survey,
        metadata={**stored.metadata, **fragment.metadata},
        duration_ms=None,
    )
    return Interaction.model_validate({**stored.model_dump(), **updates})


def _absolute(started_at: datetime | None, offset_ms: int | None) -> datetime | int | None:
    if offset_ms is None:
        return None
    return started_at + timedelta(milliseconds=offset_ms) if started_at else offset_ms


def _sort_key(when: datetime | int | None) -> tuple[int, float]:
    if when is None:
        return (1, 0.0)
    return (0, when.timestamp() if isinstance(when, datetime) else when / 1000)


def _rebase(when: datetime | int | None, turn: Turn, base: datetime | None) -> Turn:
    if not isinstance(when, datetime) or base is None:
        return turn
    start = round((when - base).total_seconds() * 1000)
    length = (turn.end_ms - turn.start_ms) if turn.end_ms is not None and turn.start_ms is not None else None
    return turn.model_copy(
        update={"start_ms": start, "end_ms": start + length if length is not None else None}
    )


def _unique(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
