"""callqa's own JSON and JSON Lines: objects, arrays with line numbers, streaming, broken records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.document import MAX_TURN_CHARS, MAX_TURNS, TRUNCATED
from callqa.ingest.base import Failure, Parsed
from callqa.ingest.formats.callqa_json import CALLQA_JSON, CALLQA_JSONL
from callqa.ml.embeddings import MAX_EMBED_CHARS, canonical


def record(external_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "channel": "chat",
        "turns": [{"role": "customer", "text": "Hello?"}, {"role": "agent", "text": "Hi, how can I help?"}],
        **extra,
    }


def test_single_object_and_array_with_element_lines(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(record("c1", language="en")), "utf-8")
    [parsed] = list(CALLQA_JSON.parse(single, IngestConfig()))
    assert isinstance(parsed, Parsed) and parsed.interaction.language == "en"
    array = tmp_path / "many.json"
    array.write_text("[\n" + ",\n".join(json.dumps(record(f"c{i}")) for i in range(3)) + "\n]\n", "utf-8")
    results = list(CALLQA_JSON.parse(array, IngestConfig()))
    assert [r.ref.line for r in results] == [2, 3, 4]
    assert [r.interaction.external_id for r in results if isinstance(r, Parsed)] == ["c0", "c1", "c2"]


def test_truncated_json_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    text = json.dumps(record("c1"), indent=1)
    path.write_text(text[: len(text) // 2], "utf-8")
    [failure] = list(CALLQA_JSON.parse(path, IngestConfig()))
    assert isinstance(failure, Failure) and "[I200]" in failure.message and failure.ref.line is not None


def test_array_keeps_good_elements_before_a_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut-array.json"
    path.write_text("[" + json.dumps(record("a")) + ",\n" + json.dumps(record("b"))[:30], "utf-8")
    results = list(CALLQA_JSON.parse(path, IngestConfig()))
    assert isinstance(results[0], Parsed) and results[0].interaction.external_id == "a"
    assert isinstance(results[1], Failure) and results[1].ref.line == 2


def test_jsonl_reports_each_bad_line_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    lines = [
        json.dumps(record("ok-1")),
        "{not json",
        json.dumps([1, 2]),
        json.dumps(record("bad-role", turns=[{"role": "manager", "text": "hi"}])),
        "",
        json.dumps(record("ok-2", survey={"csat": 4, "nps": 9})),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    results = list(CALLQA_JSONL.parse(path, IngestConfig()))
    assert [type(r).__name__ for r in results] == ["Parsed", "Failure", "Failure", "Failure", "Parsed"]
    failures = [r for r in results if isinstance(r, Failure)]
    assert [f.ref.line for f in failures] == [2, 3, 4]
    assert "[I200]" in failures[0].message
    assert "[I203]" in failures[1].message
    assert "[I201]" in failures[2].message and "turns.0.role" in failures[2].message
    assert all(r.ref.byte_offset for r in results)


def test_jsonl_in_utf16_and_binary_garbage(tmp_path: Path) -> None:
    wide = tmp_path / "wide.jsonl"
    wide.write_text(json.dumps(record("w1"), ensure_ascii=False) + "\n", "utf-16")
    [parsed] = list(CALLQA_JSONL.parse(wide, IngestConfig()))
    assert isinstance(parsed, Parsed) and parsed.interaction.external_id == "w1"
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(bytes(range(256)) * 40)
    [failure] = list(CALLQA_JSONL.parse(garbage, IngestConfig()))
    assert isinstance(failure, Failure) and "[I101]" in failure.message


def test_numbers_and_dates_no_database_or_calendar_can_hold_are_refused_per_line(tmp_path: Path) -> None:
    """Issue 18: a start_ms of 10^21 aborted the whole ingest (driver overflow) and a start in year 9999 broke
    every insights refresh afterwards; now each is a coded error naming the field, the rest is kept."""
    path = tmp_path / "hostile.jsonl"
    huge = [{"role": "agent", "text": "hi", "start_ms": 1180591620717411303424}]
    lines = [
        json.dumps(record("ok-1", started_at="2026-10-01T09:00:00Z")),
        json.dumps(record("huge-ms", turns=huge)),
        json.dumps(record("year-9999", started_at="9999-01-01T00:00:00Z")),
        json.dumps(record("overflowing-offset", started_at="9999-12-31T23:59:59-05:00")),
        json.dumps(record("year-1900", started_at="1900-01-01T00:00:00Z")),
        json.dumps(record("long-duration", duration_ms=10**15)),
        json.dumps(record("ok-2", started_at="2099-12-31T23:59:59Z", duration_ms=3_600_000)),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    results = list(CALLQA_JSONL.parse(path, IngestConfig()))
    kept = [r.interaction.external_id for r in results if isinstance(r, Parsed)]
    assert kept == ["ok-1", "ok-2"]
    failures = [r for r in results if isinstance(r, Failure)]
    assert [f.ref.line for f in failures] == [2, 3, 4, 5, 6]
    assert all("[I201]" in f.message for f in failures)
    assert "turns.0.start_ms" in failures[0].message
    assert "started_at" in failures[1].message and "1970–2099" in failures[1].message
    assert "duration_ms" in failures[4].message


def test_an_over_long_turn_or_turn_list_is_cut_and_the_cut_recorded(tmp_path: Path) -> None:
    """Issue 18: one 1 MB turn held up scoring for every interaction; now it is cut to MAX_TURN_CHARS (the
    embedder reads at most MAX_EMBED_CHARS of it) and the metadata says what was cut."""
    path = tmp_path / "long.jsonl"
    huge = [{"role": "customer", "text": "refund please " * 80_000}, {"role": "agent", "text": "Sure."}]
    many = [{"role": "customer" if i % 2 else "agent", "text": f"line {i}"} for i in range(MAX_TURNS + 7)]
    path.write_text(
        json.dumps(record("huge-turn", turns=huge))
        + "\n"
        + json.dumps(record("many-turns", turns=many))
        + "\n",
        "utf-8",
    )
    first, second = list(CALLQA_JSONL.parse(path, IngestConfig()))
    assert isinstance(first, Parsed) and isinstance(second, Parsed)
    assert len(first.interaction.turns[0].text) == MAX_TURN_CHARS
    assert first.interaction.metadata[TRUNCATED] == {"turns": {"0": len("refund please " * 80_000) - 1}}
    assert first.interaction.turns[1].text == "Sure."
    assert len(second.interaction.turns) == MAX_TURNS
    assert second.interaction.metadata[TRUNCATED] == {"turns_dropped": 7}
    assert len(canonical(first.interaction.turns[0].text)) == MAX_EMBED_CHARS
