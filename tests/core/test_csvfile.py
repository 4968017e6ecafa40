"""The one CSV writer: cells as every export writes them, the header widened for new keys, no formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from callqa.core.csvfile import cell, write_records, write_rows


def test_cells_are_written_the_same_way_everywhere() -> None:
    assert cell(None) == "" and cell(True) == "true" and cell(False) == "false"
    assert cell(datetime(2026, 12, 5, 9, 30, tzinfo=UTC)) == "2026-12-05T09:30:00+00:00"
    assert cell(date(2026, 12, 5)) == "2026-12-05"
    assert cell(-1.5) == -1.5 and cell(0) == 0 and cell("Team North") == "Team North"


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text() -> None:
    for attack in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert cell(attack) == "'" + attack
    assert cell("a=b") == "a=b"


def test_records_widen_the_header_and_rows_keep_their_order() -> None:
    out = io.StringIO()
    assert write_records(out, [{"a": 1, "b": None}, {"a": 2, "c": True}]) == 2
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["a", "b", "c"],
        ["1", "", ""],
        ["2", "", "true"],
    ]
    out = io.StringIO()
    assert write_records(out, [{"a": 1, "z": 9}], columns=["a", "b"]) == 1
    assert out.getvalue().splitlines() == ["a,b", "1,"]
    out = io.StringIO()
    assert write_rows(out, iter([(1, "x"), (2, "=y")])) == 2
    assert out.getvalue().splitlines() == ["1,x", "2,'=y"]
