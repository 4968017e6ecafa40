"""Interaction fields that come from beside a file: a sidecar JSON and the file-name pattern."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from callqa.core.config import IngestConfig
from callqa.core.decoding import decode_text
from callqa.core.document import Interaction
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.formats._jsonfile import MAX_JSON_DEPTH, nested_too_deeply
from callqa.ingest.timecodes import parse_datetime
from callqa.ingest.validation import describe_validation_error

SIDECAR_SUFFIXES = (".meta.json", ".json")
_NAME_FIELDS = {"external_id", "agent", "team", "queue", "language", "channel", "direction", "customer"}


def sidecar_for(path: Path) -> Path | None:
    """The sidecar JSON of a per-file input, if one exists."""
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate != path and candidate.is_file():
            return candidate
    return None


# Files holding many interactions take no sidecar: ``export.json`` beside ``export.csv`` is read on its own.
_MANY_PER_FILE = frozenset({".json", ".csv", ".tsv", ".jsonl", ".ndjson", ".mbox"})


def is_sidecar(path: Path, siblings: set[str]) -> bool:
    """Whether a JSON file is another file's sidecar (``call.json`` beside ``call.txt`` or ``call.wav``)."""
    name = path.name
    if not name.endswith(".json"):
        return False
    stem = name.removesuffix(".meta.json") if name.endswith(".meta.json") else name.removesuffix(".json")
    return any(
        s != name and Path(s).stem == stem and Path(s).suffix.lower() not in _MANY_PER_FILE for s in siblings
    )


def name_fields(path: Path, config: IngestConfig) -> dict[str, Any]:
    """Fields read from the file name by ``ingest.filename_pattern`` (nothing when it does not match)."""
    pattern = config.compiled_filename_pattern()
    if pattern is None:
        return {}
    match = pattern.search(path.stem)
    if match is None:
        return {}
    groups = {k: v for k, v in match.groupdict().items() if v}
    fields: dict[str, Any] = {k: v for k, v in groups.items() if k in _NAME_FIELDS}
    meta = {k.removeprefix("meta_"): v for k, v in groups.items() if k.startswith("meta_")}
    if meta:
        fields["metadata"] = meta
    when = groups.get("started_at") or " ".join(v for k, v in groups.items() if k in ("date", "time"))
    if when:
        fields["started_at"] = parse_datetime(when, config.timezone).isoformat()
    return fields


def sidecar_fields(sidecar: Path) -> dict[str, Any]:
    """The fields a sidecar holds. Raises I306 with the reason."""
    try:
        text, _ = decode_text(sidecar.read_bytes())
    except (OSError, CallqaError) as exc:
        raise CallqaError(ErrorCode.I306, sidecar=sidecar.name, reason=exc) from exc
    if nested_too_deeply(text):
        raise CallqaError(ErrorCode.I306, sidecar=sidecar.name, reason=f"nested deeper than {MAX_JSON_DEPTH}")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise CallqaError(ErrorCode.I306, sidecar=sidecar.name, reason=exc) from exc
    if not isinstance(data, dict):
        raise CallqaError(ErrorCode.I306, sidecar=sidecar.name, reason="must be a JSON object")
    if "turns" in data:
        raise CallqaError(ErrorCode.I306, sidecar=sidecar.name, reason="must not hold turns")
    return data


def with_file_fields(doc: Interaction, path: Path, config: IngestConfig) -> Interaction:
    """The document with file-name fields, then sidecar fields, laid over it. Raises I306 / I302."""
    fields = name_fields(path, config)
    sidecar = sidecar_for(path)
    extra = sidecar_fields(sidecar) if sidecar else {}
    if not fields and not extra:
        return doc
    data = doc.model_dump()
    for layer in (fields, extra):
        for key, value in layer.items():
            if key == "metadata" and isinstance(value, dict):
                data["metadata"] = {**data.get("metadata", {}), **value}
            else:
                data[key] = value
    try:
        return Interaction.model_validate(data)
    except ValidationError as exc:
        where = sidecar.name if sidecar else path.name
        raise CallqaError(ErrorCode.I306, sidecar=where, reason=describe_validation_error(exc)) from exc
