"""Write export records as JSON Lines (nested, complete) or CSV (one flat row per interaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from callqa.core.csvfile import write_records

CSV_FIXED = (
    "external_id",
    "source",
    "channel",
    "language",
    "agent",
    "team",
    "queue",
    "started_at",
    "scorecard",
    "scorecard_version",
    "engine_version",
    "score",
    "raw_score",
    "auto_failed",
    "passed",
    "ai_score",
    "reviewed_score",
    "final_score",
    "review_state",
    "contact_reason",
    "csat",
    "csat_scale",
    "nps",
)
CSV_SENTIMENT = (
    "customer_overall",
    "customer_start",
    "customer_middle",
    "customer_end",
    "customer_dissatisfaction",
    "agent_overall",
)


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """Flatten: criterion outcomes as ``criterion.<id>``, metrics as ``metric.<name>``, moments joined
    (values as they are: ``core.csvfile`` writes them)."""
    row = {key: record.get(key) for key in CSV_FIXED}
    sentiment = record.get("sentiment") or {}
    for key in CSV_SENTIMENT:
        role, part = key.split("_", 1)
        row[f"sentiment.{key}"] = (sentiment.get(role) or {}).get(part)
    for c in record.get("criteria", []):
        row[f"criterion.{c['id']}"] = c["outcome"]
    row["failed_criteria"] = ";".join(c["id"] for c in record.get("criteria", []) if c["outcome"] == "fail")
    row["moments"] = ";".join(dict.fromkeys(m["kind"] for m in record.get("moments", [])))
    for name, value in (record.get("metrics") or {}).items():
        row[f"metric.{name}"] = value
    row["summary"] = record.get("summary")
    return row


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """CSV with a header from the first record's columns (later records with new columns are widened)."""
    return write_records(out, (csv_row(r) for r in records))
