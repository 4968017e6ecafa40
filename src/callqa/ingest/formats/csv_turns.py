"""CSV of turns: one row per utterance, grouped into interactions by an id column."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, ParseResult, SourceRef
from callqa.ingest.formats.csv_common import (
    ID_ALIASES,
    INTERACTION_ALIASES,
    cell,
    header_names,
    read_table,
    time_unit_for,
)
from callqa.ingest.roles import RoleLexicon
from callqa.ingest.timecodes import parse_datetime, parse_offset
from callqa.ingest.validation import build_interaction

TURN_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ID_ALIASES,
    "role": ("role", "speaker_role", "participant_role", "speaker", "participant", "party", "speaker_type"),
    "text": ("text", "utterance", "message", "transcript", "content", "body", "sentence"),
    "start": (
        "start_ms",
        "start",
        "start_time",
        "start_s",
        "start_sec",
        "begin",
        "begin_ms",
        "offset",
        "offset_ms",
        "from_ms",
    ),
    "end": ("end_ms", "end", "end_time", "end_s", "end_sec", "stop", "to_ms"),
    "speaker_name": ("speaker_name", "name", "author", "agent_or_customer_name"),
    "channel_index": ("channel_index", "audio_channel", "channel_no"),
    **{k: v for k, v in INTERACTION_ALIASES.items()},
}
_TEXT_HEADERS = frozenset(TURN_ALIASES["text"])
_ROLE_HEADERS = frozenset(TURN_ALIASES["role"])
_ID_HEADERS = frozenset(ID_ALIASES)


@dataclass
class _Group:
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    turns: list[dict[str, Any]] = field(default_factory=list)
    error: Failure | None = None


class CsvTurnsFormat:
    name = "csv-turns"
    summary = "CSV with one row per turn (id, role, text, optional times), grouped by interaction id"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        if path.suffix.lower() not in {".csv", ".tsv"}:
            return 0.0
        names = set(header_names(head))
        if names & _TEXT_HEADERS and names & _ROLE_HEADERS:
            return 0.9
        if names & _ROLE_HEADERS:  # turns without their text column: parsing says which column is missing
            return 0.88
        return 0.4 if not names & _ID_HEADERS or names & _TEXT_HEADERS else 0.2

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        settings = config.csv.turns
        try:
            table = read_table(path, settings.delimiter)
        except CallqaError as exc:
            yield Failure.of(SourceRef(path), exc)
            return
        columns = table.resolve(TURN_ALIASES, settings)
        missing = [name for name in ("external_id", "role", "text") if name not in columns]
        if missing:
            yield Failure.coded(
                SourceRef(path, 1),
                ErrorCode.I303,
                field=" and ".join(missing),
                columns=", ".join(table.header),
            )
            return
        units: dict[str, str] = {
            k: time_unit_for(table.header[columns[k]], settings.time_unit)
            for k in ("start", "end")
            if k in columns
        }
        lexicon = RoleLexicon(config.roles)
        groups: dict[str, _Group] = {}
        rows = 0
        for line, row in table.rows:
            rows += 1
            if isinstance(row, CallqaError):
                yield Failure.of(SourceRef(path, line), row)
                continue
            external_id = cell(row, columns["external_id"])
            if external_id is None:
                yield Failure.coded(
                    SourceRef(path, line),
                    ErrorCode.I304,
                    value="",
                    field="external_id",
                    reason="the id column is empty",
                )
                continue
            group = groups.setdefault(external_id, _Group(line))
            if group.error is None:
                try:
                    _add_row(group, row, columns, units, lexicon, config)
                except CallqaError as exc:
                    group.error = Failure.of(SourceRef(path, line), exc)
        if rows == 0:  # a header and nothing else is said, not silently counted as a file
            yield Failure.coded(SourceRef(path), ErrorCode.I301)
        for external_id, group in groups.items():
            if group.error is not None:
                yield group.error
                continue
            source = group.fields.pop("source", None) or "csv"
            data = {
                "external_id": external_id,
                "source": source,
                "channel": "voice",
                **group.fields,
                "turns": group.turns,
            }
            yield build_interaction(data, SourceRef(path, group.line))


def _add_row(
    group: _Group,
    row: list[str],
    columns: dict[str, int],
    units: dict[str, str],
    lexicon: RoleLexicon,
    config: IngestConfig,
) -> None:
    role_word = cell(row, columns["role"]) or ""
    text = cell(row, columns["text"])
    for name in INTERACTION_ALIASES:
        value = cell(row, columns.get(name))
        if value is not None and name not in group.fields:
            group.fields[name] = parse_datetime(value, config.timezone) if name == "started_at" else value
    if text is None:
        return
    turn: dict[str, Any] = {"role": lexicon.resolve(role_word).value, "text": text}
    for key in ("start", "end"):
        value = cell(row, columns.get(key))
        if value is not None:
            turn[f"{key}_ms"] = parse_offset(value, units[key])
    turn["speaker"] = cell(row, columns.get("speaker_name"))
    channel_index = cell(row, columns.get("channel_index"))
    if channel_index is not None:
        if not channel_index.isdigit():
            raise CallqaError(
                ErrorCode.I304, value=channel_index, field="channel_index", reason="not a number"
            )
        turn["channel_index"] = int(channel_index)
    group.turns.append(turn)


CSV_TURNS = CsvTurnsFormat()
