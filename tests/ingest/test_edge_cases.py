"""Issue 18's ingest edge cases: each bad input is a coded failure naming file and line, the rest is kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from callqa.core.config import IngestConfig
from callqa.core.document import MAX_TURN_CHARS, TRUNCATED
from callqa.ingest.base import Failure, Parsed, Skipped
from callqa.ingest.discovery import InputFile, discover
from callqa.ingest.formats._jsonfile import nested_too_deeply
from callqa.ingest.formats.aws_transcribe import AWS_TRANSCRIBE
from callqa.ingest.formats.callqa_json import CALLQA_JSON, CALLQA_JSONL
from callqa.ingest.formats.csv_turns import CSV_TURNS
from callqa.ingest.formats.registry import default_registry
from callqa.ingest.formats.transcript import TRANSCRIPT

CONFIG = IngestConfig()


def record(external_id: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "channel": "chat",
        "turns": [{"role": "customer", "text": "Hello?"}, {"role": "agent", "text": "Hi, how can I help?"}],
    }


def split(results: list[Any]) -> tuple[list[str], list[tuple[int | None, str]]]:
    """External ids parsed, and (line, code) of each failure."""
    ids = [r.interaction.external_id for r in results if isinstance(r, Parsed)]
    failures = [(r.ref.line, r.message[:6]) for r in results if isinstance(r, Failure)]
    return ids, failures


def test_a_nul_byte_line_and_a_100k_deep_line_fail_alone_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        json.dumps(record("a")).encode()
        + b'\n{"external_id": "x\x00y", "turns": []}\n'
        + json.dumps(record("b")).encode()
        + b"\n"
        + b"[" * 100_000
        + b"]" * 100_000
        + b"\n"
        + json.dumps(record("c")).encode()
        + b"\n"
    )
    ids, failures = split(list(CALLQA_JSONL.parse(path, CONFIG)))
    assert ids == ["a", "b", "c"]
    assert failures == [(2, "[I101]"), (4, "[I204]")]


def test_a_deeply_nested_json_file_is_one_coded_failure(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"external_id": "d", "turns": [], "metadata": ' + "[" * 70 + "]" * 70 + "}", "utf-8")
    [failure] = list(CALLQA_JSON.parse(path, CONFIG))
    assert isinstance(failure, Failure) and "[I204] JSON nested deeper than 64 levels" in failure.message
    shallow = tmp_path / "shallow.json"  # brackets inside strings do not count
    shallow.write_text(json.dumps({**record("s"), "metadata": {"note": "[" * 500}}), "utf-8")
    [parsed] = list(CALLQA_JSON.parse(shallow, CONFIG))
    assert isinstance(parsed, Parsed)


def test_a_hundred_minute_timestamp_is_read_as_minutes(tmp_path: Path) -> None:
    path = tmp_path / "long-call.txt"
    path.write_text(
        "[00:05] Agent: Hello.\n[100:00] Customer: Still there?\n[1:40:01] Agent: Yes.\n", "utf-8"
    )
    [parsed] = list(TRANSCRIPT.parse(path, CONFIG))
    assert isinstance(parsed, Parsed), parsed
    assert [t.start_ms for t in parsed.interaction.turns] == [5_000, 6_000_000, 6_001_000]


def test_a_5_mb_csv_cell_is_read_and_cut_to_the_turn_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "call_id,role,text\nL1,agent,Hello.\nL1,customer," + "x" * 5_000_000 + "\nL1,agent,Bye.\n", "utf-8"
    )
    [parsed] = list(CSV_TURNS.parse(path, CONFIG))
    assert isinstance(parsed, Parsed), parsed
    turns = parsed.interaction.turns
    assert [len(t.text) for t in turns] == [6, MAX_TURN_CHARS, 4]
    assert parsed.interaction.metadata[TRUNCATED] == {"turns": {"1": 5_000_000}}


def test_an_unclosed_quote_is_named_at_its_line_and_the_rows_after_it_are_read(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        'call_id,role,text\nQ1,agent,"Hello\nQ1,customer,"My card, please"\nQ1,agent,Done.\n', "utf-8"
    )
    results = list(CSV_TURNS.parse(path, CONFIG))
    failures = [r for r in results if isinstance(r, Failure)]
    assert [(f.ref.line, f.message[:6]) for f in failures] == [(2, "[I312]")]
    [parsed] = [r for r in results if isinstance(r, Parsed)]
    assert [t.text for t in parsed.interaction.turns] == ["My card, please", "Done."]


def test_a_turn_csv_without_a_text_column_names_the_columns_found(tmp_path: Path) -> None:
    path = tmp_path / "no-text.csv"
    path.write_text("conversation_id,role,words\nC1,agent,hello\n", "utf-8")
    [found] = list(discover([path], default_registry()))
    assert isinstance(found, InputFile) and found.format.name == "csv-turns"  # not metadata left pending
    [failure] = list(found.format.parse(path, CONFIG))
    assert isinstance(failure, Failure)
    assert failure.message == (
        "[I303] CSV has no column for text; columns: conversation_id, role, words "
        "(map one under ingest.csv in the config)"
    )


def test_utf16_and_utf32_json_with_a_bom_are_read_as_json(tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        path = tmp_path / f"doc-{encoding}.json"
        text = json.dumps(record(encoding), ensure_ascii=False)
        path.write_bytes(
            text.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + text.encode(encoding)
        )
        [found] = list(discover([path], default_registry()))
        assert isinstance(found, InputFile) and found.format.name == "callqa-json", encoding
        [parsed] = list(found.format.parse(path, CONFIG))
        assert isinstance(parsed, Parsed) and parsed.interaction.external_id == encoding


def test_odd_names_are_read_and_hidden_files_are_reported_as_skipped(tmp_path: Path) -> None:
    for name in ("..%2fetc%2fpasswd.json", ".%2e.json", ".DS_Store", "._a.json"):
        (tmp_path / name).write_text(json.dumps(record(name)), "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.json").write_text(json.dumps(record("git")), "utf-8")
    (tmp_path / "notes.md").write_text("# notes\n", "utf-8")
    found = list(discover([tmp_path], default_registry()))
    read = sorted(f.path.name for f in found if isinstance(f, InputFile))
    assert read == [".%2e.json", "..%2fetc%2fpasswd.json"]
    skipped = {f.ref.path.name: f.reason for f in found if isinstance(f, Skipped)}
    assert skipped == {
        ".git": "a hidden folder",
        ".DS_Store": "a hidden file",
        "._a.json": "a hidden file",
        "notes.md": "'.md' files are notes, not interactions",
    }


def test_non_numeric_vendor_offsets_are_a_coded_failure(tmp_path: Path) -> None:
    analytics = {
        "JobName": "soon",
        "JobStatus": "COMPLETED",
        "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
        "Transcript": [
            {"ParticipantId": "AGENT", "Content": "Hi.", "BeginOffsetMillis": "soon", "EndOffsetMillis": 900},
        ],
    }
    standard = {
        "jobName": "later",
        "results": {
            "transcripts": [{"transcript": "Hi"}],
            "channel_labels": {"channels": [{"channel_label": "ch_0", "items": []}]},
            "items": [
                {
                    "type": "pronunciation",
                    "start_time": "later",
                    "end_time": "1.0",
                    "channel_label": "ch_0",
                    "alternatives": [{"content": "Hi"}],
                }
            ],
        },
    }
    for name, doc, field in (("a.json", analytics, "BeginOffsetMillis"), ("s.json", standard, "start_time")):
        path = tmp_path / name
        path.write_text(json.dumps(doc), "utf-8")
        [failure] = list(AWS_TRANSCRIBE.parse(path, CONFIG))
        assert isinstance(failure, Failure) and failure.message.startswith(f"[I503] {field} is "), failure


def test_unknown_json_names_its_keys_and_the_shapes_known(tmp_path: Path) -> None:
    path = tmp_path / "vendor.json"
    path.write_text(
        json.dumps({"callId": 1, "utterances": [], "agentName": "x", "4333713315098390": 1}), "utf-8"
    )
    [failure] = list(discover([path], default_registry()))
    assert isinstance(failure, Failure)
    assert failure.message.startswith(
        "[I106] looks like JSON, but not a shape any format reads: top-level keys 'callId', 'utterances', "
        "'agentName', '################'; known: "
    )
    assert "callqa-json (" in failure.message and "aws-transcribe (" in failure.message


def test_the_depth_bound_reads_strings_and_escapes_as_json_does() -> None:
    deep = {"k": 1}
    for _ in range(70):
        deep = {"k": deep}
    cases = {
        "[" * 65 + "]" * 65: True,
        "[" * 64 + "]" * 64: False,
        json.dumps(deep): True,
        json.dumps({"a": ["[[[[" * 100]}): False,  # brackets in a string
        json.dumps({"a": '"[[[[' * 100}): False,  # after escaped quotes
        json.dumps({"a": ["x\\"] * 70, "b": "[" * 80}): False,  # after escaped backslashes
        json.dumps({"a": 'q\\"', "b": [[[[]]]]})[:-1] + ', "c": ' + "[" * 70 + "]" * 70 + "}": True,
    }
    for text, expected in cases.items():
        json.loads(text)  # each is valid JSON: only the depth differs
        assert nested_too_deeply(text) is expected, text[:60]
        assert nested_too_deeply(text.encode()) is expected, text[:60]
