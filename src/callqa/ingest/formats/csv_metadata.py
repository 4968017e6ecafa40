"""CSV of interaction metadata (agent, queue, CSAT ...): one row per interaction, applied by external id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import Failure, MetadataRow, ParseResult, SourceRef
from callqa.ingest.formats.csv_common import (
    ID_ALIASES,
    INTERACTION_ALIASES,
    cell,
    header_names,
    normalise_header,
    read_table,
    time_unit_for,
)
from callqa.ingest.formats.csv_turns import TURN_ALIASES
from callqa.ingest.timecodes import parse_datetime, parse_offset

METADATA_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ID_ALIASES,
    **INTERACTION_ALIASES,
    "duration_ms": (
        "duration_ms",
        "duration",
        "handle_time",
        "handle_time_s",
        "aht",
        "duration_s",
        "talk_time",
    ),
    "csat": ("csat", "csat_score", "satisfaction", "survey_score"),
    "csat_scale": ("csat_scale", "csat_max", "scale"),
    "nps": ("nps", "nps_score", "likelihood_to_recommend", "ltr"),
    "survey_comment": ("survey_comment", "comment", "csat_comment", "verbatim", "feedback"),
}
_TEXT_HEADERS = frozenset(TURN_ALIASES["text"])
_ID_HEADERS = frozenset(ID_ALIASES)


class CsvMetadataFormat:
    name = "csv-metadata"
    summary = "CSV with one row of interaction fields (agent, queue, CSAT, NPS ...) per external id"
    per_file = False

    def sniff(self, path: Path, head: bytes) -> float:
        if path.suffix.lower() not in {".csv", ".tsv"}:
            return 0.0
        names = set(header_names(head))
        return 0.85 if names & _ID_HEADERS and not names & _TEXT_HEADERS else 0.0

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        settings = config.csv.metadata
        try:
            table = read_table(path, settings.delimiter)
        except CallqaError as exc:
            yield Failure.of(SourceRef(path), exc)
            return
        columns = table.resolve(METADATA_ALIASES, settings)
        if "external_id" not in columns:
            yield Failure.coded(
                SourceRef(path, 1), ErrorCode.I303, field="external_id", columns=", ".join(table.header)
            )
            return
        known = set(columns.values())
        extra = {i: normalise_header(h) for i, h in enumerate(table.header) if i not in known and h.strip()}
        rows = 0
        for line, row in table.rows:
            rows += 1
            ref = SourceRef(path, line)
            if isinstance(row, CallqaError):
                yield Failure.of(ref, row)
                continue
            external_id = cell(row, columns["external_id"])
            if external_id is None:
                yield Failure.coded(
                    ref, ErrorCode.I304, value="", field="external_id", reason="the id column is empty"
                )
                continue
            try:
                fields = _fields(row, columns, table.header, config, settings.time_unit)
            except CallqaError as exc:
                yield Failure.of(ref, exc)
                continue
            metadata = {name: value for i, name in extra.items() if (value := cell(row, i)) is not None}
            if metadata:
                fields["metadata"] = metadata
            source = fields.pop("source", None)
            yield MetadataRow(external_id, fields, ref, source=source)
        if rows == 0:
            yield Failure.coded(SourceRef(path), ErrorCode.I301)


def _fields(
    row: list[str], columns: dict[str, int], header: list[str], config: IngestConfig, unit: str
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, index in columns.items():
        value = cell(row, index)
        if value is None or name == "external_id":
            continue
        if name == "started_at":
            fields[name] = parse_datetime(value, config.timezone)
        elif name == "duration_ms":
            column_unit = time_unit_for(header[index], unit)
            fields[name] = parse_offset(value, "s" if column_unit == "auto" else column_unit)
        else:
            fields[name] = value
    return fields


CSV_METADATA = CsvMetadataFormat()
