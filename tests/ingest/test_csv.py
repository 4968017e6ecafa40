"""CSV of turns (grouped by id, column mapping, time units) and CSV of interaction metadata."""

from __future__ import annotations

from pathlib import Path

from callqa.core.config import CsvColumns, CsvConfig, IngestConfig
from callqa.core.document import Role
from callqa.ingest.base import Failure, MetadataRow, Parsed
from callqa.ingest.formats.csv_metadata import CSV_METADATA
from callqa.ingest.formats.csv_turns import CSV_TURNS


def test_turn_rows_are_grouped_by_id_in_order_even_when_interleaved(tmp_path: Path) -> None:
    path = tmp_path / "turns.csv"
    path.write_text(
        "call_id,speaker,utterance,start_ms,end_ms,agent\n"
        "A1,Agent,Hello from Acme Bank.,0,1800,a.kim\n"
        "B7,客服,您好,0,900,li.wei\n"
        'A1,Customer,"Hi, my card, it is blocked.",2000,4100,\n'
        "B7,客户,我要挂失,1000,2000,\n",
        "utf-8",
    )
    assert CSV_TURNS.sniff(path, path.read_bytes()) > CSV_METADATA.sniff(path, path.read_bytes())
    results = list(CSV_TURNS.parse(path, IngestConfig()))
    docs = {r.interaction.external_id: r.interaction for r in results if isinstance(r, Parsed)}
    assert set(docs) == {"A1", "B7"}
    assert [t.text for t in docs["A1"].turns] == ["Hello from Acme Bank.", "Hi, my card, it is blocked."]
    assert [(t.start_ms, t.end_ms) for t in docs["A1"].turns] == [(0, 1800), (2000, 4100)]
    assert docs["A1"].agent == "a.kim" and docs["B7"].agent == "li.wei"
    assert [t.role for t in docs["B7"].turns] == [Role.AGENT, Role.CUSTOMER]


def test_column_mapping_semicolons_and_seconds(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Ticket;Who;Said;At\nT-1;Operatorius;Laba diena;0,5\nT-1;Klientas;Sveiki;2,25\n", "cp1257"
    )
    config = IngestConfig(
        csv=CsvConfig(
            turns=CsvColumns(
                columns={"external_id": "Ticket", "role": "Who", "text": "Said", "start": "At"}, time_unit="s"
            )
        )
    )
    [parsed] = list(CSV_TURNS.parse(path, config))
    assert isinstance(parsed, Parsed)
    assert [(t.role, t.start_ms) for t in parsed.interaction.turns] == [
        (Role.AGENT, 500),
        (Role.CUSTOMER, 2250),
    ]


def test_missing_columns_and_bad_rows_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "nocols.csv"
    path.write_text("foo,bar\n1,2\n", "utf-8")
    [failure] = list(CSV_TURNS.parse(path, IngestConfig()))
    assert isinstance(failure, Failure) and "[I303]" in failure.message and "foo, bar" in failure.message
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "id,role,text\nX,agent,hi\nY,narrator,once upon a time\nY,agent,hello\n,agent,orphan\n", "utf-8"
    )
    results = list(CSV_TURNS.parse(rows, IngestConfig()))
    failures = sorted((r for r in results if isinstance(r, Failure)), key=lambda f: f.ref.line or 0)
    assert [(f.ref.line, f.message[:6]) for f in failures] == [(3, "[I300]"), (5, "[I304]")]
    assert [r.interaction.external_id for r in results if isinstance(r, Parsed)] == ["X"]


def test_metadata_rows_carry_typed_fields_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(
        "Contact ID,Agent Name,Queue,CSAT,NPS,Comment,Handle Time,Region\n"
        "C-1,a.kim,cards,4,9,quick and kind,05:30,EU\n"
        "C-2,,,,,,,\n",
        "utf-8-sig",
    )
    assert CSV_METADATA.sniff(path, path.read_bytes()) > CSV_TURNS.sniff(path, path.read_bytes())
    results = list(CSV_METADATA.parse(path, IngestConfig()))
    first = results[0]
    assert isinstance(first, MetadataRow) and first.external_id == "C-1"
    assert first.fields == {
        "agent": "a.kim",
        "queue": "cards",
        "csat": "4",
        "nps": "9",
        "survey_comment": "quick and kind",
        "duration_ms": 330000,
        "metadata": {"region": "EU"},
    }
    assert isinstance(results[1], MetadataRow) and results[1].fields == {}
