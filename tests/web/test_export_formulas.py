"""No CSV the app writes holds a cell a spreadsheet would run as a formula (CSV injection, issue 18): an
interaction whose external id, agent and words are formulas goes out through every CSV export — the API's
three tables, the CLI's records and tables, the root-causes table — and comes back as text; numbers (negative
ones too) stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callqa.analysis.defaults import build_pipeline
from callqa.cli import app
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.service import StoreItem, store_interactions
from callqa.scoring.loader import load_scorecard
from callqa.scoring.service import score_stored
from qa_support import make_interaction
from web_support import Web

pytestmark = pytest.mark.issue(18)

EXTERNAL_ID = '=HYPERLINK("http://x","y")'
AGENT = "@SUM(1)"
TURN = "+1 cmd"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cells(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, text[:200]
    return rows


def _assert_neutral(name: str, rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, value in row.items():
            if value.startswith(FORMULA_START):
                assert _number(value), (name, column, value)  # only a real number may start with "-"/"+"


@pytest.fixture
def planted(web: Web) -> Web:
    doc = make_interaction(
        [("agent", "Thank you for calling, how can I help?", 0.0), ("customer", TURN, 3.0)],
        external_id=EXTERNAL_ID,
    )
    doc = doc.model_copy(update={"agent": AGENT, "team": "-Team", "queue": "@queue"})
    with web.db.factory.begin() as session:
        store_interactions(session, [StoreItem(doc)])
    report = score_stored(
        web.db.factory, load_scorecard("standard"), pipeline=build_pipeline(), batch_size=50
    )
    assert not report.failures
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    return web


def test_every_csv_export_writes_formulas_as_text_and_numbers_as_numbers(
    planted: Web, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    admin = planted.signed_in("admin")
    exported: dict[str, list[dict[str, str]]] = {}
    for table in ("interactions", "evaluations", "criterion_results"):
        exported[f"api {table}"] = _cells(admin.client.get(f"/api/export/{table}").text)
    monkeypatch.setenv("CALLQA_DATABASE_URL", planted.db.url)
    monkeypatch.setenv("CALLQA_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    records = runner.invoke(app, ["export", "--format", "csv"])
    assert records.exit_code == 0, records.output
    exported["cli records"] = _cells(records.stdout)
    for table in ("interactions", "evaluations", "criterion_results"):
        made = runner.invoke(app, ["export", "--table", table])
        assert made.exit_code == 0, made.output
        exported[f"cli {table}"] = _cells(made.stdout)
    causes = admin.client.get("/api/insights/causes.csv", params={"days": 3650})
    if causes.status_code == 200 and causes.text.strip():
        exported["insights causes"] = list(csv.DictReader(io.StringIO(causes.text)))

    for name, rows in exported.items():
        _assert_neutral(name, rows)
    for name in ("api interactions", "cli interactions"):
        [mine] = [r for r in exported[name] if r["external_id"] == "'" + EXTERNAL_ID]
        assert mine["agent"] == "'" + AGENT and mine["team"] == "'-Team" and mine["queue"] == "'@queue"
        assert _number(mine["score"]) and _number(mine["id"]) and mine["turns"] == "2"
    [record] = [r for r in exported["cli records"] if r["external_id"] == "'" + EXTERNAL_ID]
    assert record["agent"] == "'" + AGENT
    assert all(not v.startswith(TURN) for r in exported["cli records"] for v in r.values())
    sentiments = [
        v for r in exported["cli records"] for k, v in r.items() if k.startswith("sentiment.") and v
    ]
    assert sentiments and all(_number(v) for v in sentiments)  # scores, negative ones included, stay numbers
