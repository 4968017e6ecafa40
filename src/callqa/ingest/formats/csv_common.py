"""Shared CSV reading: decoding, delimiter sniffing, and matching headers to fields."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from callqa.core.config import CsvColumns
from callqa.core.decoding import decode_text
from callqa.core.errors import CallqaError, ErrorCode

ID_ALIASES = (
    "external_id",
    "interaction_id",
    "call_id",
    "conversation_id",
    "contact_id",
    "chat_id",
    "ticket_id",
    "case_id",
    "session_id",
    "id",
)
INTERACTION_ALIASES: dict[str, tuple[str, ...]] = {
    "source": ("source", "system"),
    "channel": ("channel", "media", "media_type", "channel_type"),
    "direction": ("direction", "call_direction"),
    "agent": ("agent", "agent_id", "agent_name", "agent_login", "user_id", "employee_id"),
    "team": ("team", "team_name", "group", "agent_team"),
    "queue": ("queue", "queue_name", "skill", "skill_name", "split"),
    "customer": ("customer", "customer_id", "account", "account_id", "ani", "caller_id"),
    "started_at": (
        "started_at",
        "start_time_utc",
        "call_start",
        "start_datetime",
        "date_time",
        "datetime",
        "date",
    ),
    "language": ("language", "lang", "locale"),
    "subject": ("subject", "contact_reason", "reason", "disposition"),
}


def normalise_header(header: str) -> str:
    """``"Call ID "`` → ``call_id``."""
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower().lstrip("\ufeff")).strip("_")


# A cell of several megabytes is read (a turn is then cut to the document's limit): the file is in memory
# anyway, and the csv module's default of 128 KiB would reject the whole file for one long message.
MAX_FIELD_CHARS = 64 * 1024 * 1024


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: Iterator[tuple[int, list[str] | CallqaError]]  # (line the row starts on, its cells or why not)

    def resolve(self, aliases: Mapping[str, tuple[str, ...]], mapping: CsvColumns) -> dict[str, int]:
        """Column index for each field: the configured header first, then the first alias present."""
        normalised = [normalise_header(h) for h in self.header]
        found: dict[str, int] = {}
        for field_name, header in mapping.columns.items():
            target = normalise_header(header)
            if target in normalised:
                found[field_name] = normalised.index(target)
        taken = set(found.values())
        for field_name, names in aliases.items():
            if field_name in found:
                continue
            for name in names:
                if name in normalised and normalised.index(name) not in taken:
                    found[field_name] = normalised.index(name)
                    taken.add(found[field_name])
                    break
        return found


def read_table(path: Path, delimiter: str | None) -> CsvTable:
    """Decode and open a CSV file. Raises I100 / I101 / I102 / I103."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CallqaError(ErrorCode.I103, reason=exc.strerror or exc) from exc
    text, _ = decode_text(data)
    if delimiter is None:
        delimiter = _sniff_delimiter(text[:8192], path)
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    rows = _rows(list(io.StringIO(text, newline="")), delimiter)
    for _, header in rows:
        if isinstance(header, CallqaError):
            raise header
        return CsvTable(header, rows)
    raise CallqaError(ErrorCode.I100)


def header_names(head: bytes) -> list[str]:
    """Normalised headers from the first bytes of a CSV (for format detection); [] when unreadable."""
    first = head.split(b"\n", 1)[0]
    for encoding in ("utf-8-sig", "utf-16", "gb18030", "cp1252"):
        try:
            line = first.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return []
    delimiter = max(",;\t|", key=line.count)
    return [normalise_header(cell) for cell in next(csv.reader([line], delimiter=delimiter), [])]


def _rows(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str] | CallqaError]]:
    """Non-blank rows with the line each starts on; a row the csv module refuses is an error for that row.

    A quote that is never closed would swallow the rest of the file (or the lines up to the next stray
    quote) into one cell: that row is reported at the line where the quote opened, and reading starts again
    on the next line.
    """
    start = 0  # lines[start:] is what the current reader reads
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter)
        first = start + 1  # the line the next row starts on
        try:
            for row in reader:
                last = start + reader.line_num
                if _unclosed(lines[first - 1 : last], delimiter, at_end=last == len(lines)):
                    yield first, CallqaError(ErrorCode.I312)
                    start = first
                    break
                if any(cell.strip() for cell in row):
                    yield first, row
                first = last + 1
            else:
                return
        except csv.Error as exc:
            yield first, CallqaError(ErrorCode.I313, reason=exc)
            start += reader.line_num


def _unclosed(record: list[str], delimiter: str, *, at_end: bool) -> bool:
    """Whether a row's quote ran on past where it should have closed: the file's last row ends inside a
    quoted cell, or a row spanning lines does not read strictly (a well-quoted multi-line cell does)."""
    if len(record) == 1 and not at_end:
        return False
    try:
        for _ in csv.reader(record, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return len(record) > 1 or "unexpected end of data" in str(exc)
    return False


def _sniff_delimiter(sample: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def cell(row: list[str], index: int | None) -> str | None:
    """The stripped cell at ``index``, None when absent or blank."""
    if index is None or index >= len(row):
        return None
    value = row[index].strip()
    return value or None


def time_unit_for(header: str, configured: str) -> str:
    """``start_ms`` → ms, ``start_s`` / ``start_sec`` → s, otherwise the configured unit."""
    name = normalise_header(header)
    if name.endswith("_ms") or name.endswith("millis"):
        return "ms"
    if name.endswith(("_s", "_sec", "_secs", "_seconds")):
        return "s"
    return configured
