"""Writing CSV the one way callqa does: ISO 8601 dates, booleans as true/false, nothing as an empty cell, and
no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CSV injection):
# such text gets a leading apostrophe, which they show as text (OWASP's advice). Numbers are written as
# numbers, so a negative score stays a number; only text is prefixed — "-5" as text becomes "'-5".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """One value as written to CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rows(out: TextIO, rows: Iterable[Sequence[Any]], header: Sequence[str] | None = None) -> int:
    """Rows in the order given (a header first when given); returns how many rows were written."""
    writer = csv.writer(out)
    if header is not None:
        writer.writerow([cell(name) for name in header])  # column names can come from data too
    count = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        count += 1
    return count


def write_records(
    out: TextIO, records: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None
) -> int:
    """One row per record under a header: ``columns``, else every key in order of first appearance (so a
    record with new keys widens the header; missing keys are empty cells)."""
    rows = list(records)
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        columns = list(seen)
    return write_rows(out, ([row.get(c) for c in columns] for row in rows), header=columns)
