"""Flat tables for BI tools (callqa.views.tables): the same rows through the CLI and the API, as CSV
and as typed Parquet, within the caller's scope, and nothing personal in them."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.interactions.models import InteractionRow
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from web_support import Web

pytestmark = pytest.mark.issue(7)


@pytest.fixture
def site(web: Web) -> Web:
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    return web


def counts(web: Web) -> dict[str, int]:
    with web.db.factory() as session:
        current = EvaluationRow.is_current.is_(True)
        return {
            "interactions": int(session.scalar(select(func.count()).select_from(InteractionRow)) or 0),
            "evaluations": int(session.scalar(select(func.count()).where(current)) or 0),
            "criterion_results": int(
                session.scalar(
                    select(func.count()).select_from(CriterionResultRow).join(EvaluationRow).where(current)
                )
                or 0
            ),
        }


def test_the_api_exports_each_table_as_csv_and_parquet(site: Web) -> None:
    analyst = site.signed_in("analyst")
    expected = counts(site)
    for table, n in expected.items():
        got = analyst.client.get(f"/api/export/{table}")
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(got.text)))
        assert len(rows) == n, table
        parquet = analyst.client.get(f"/api/export/{table}", params={"format": "parquet"})
        frame = pq.read_table(io.BytesIO(parquet.content))
        assert frame.num_rows == n and frame.column_names == list(rows[0]), table
    interactions = pq.read_table(
        io.BytesIO(analyst.client.get("/api/export/interactions?format=parquet").content)
    )
    schema = {f.name: str(f.type) for f in interactions.schema}
    assert schema["started_at"] == "timestamp[us, tz=UTC]" and schema["score"] == "double"
    assert schema["local_day"] == "date32[day]" and schema["auto_failed"] == "bool"
    assert "customer" not in schema and "text" not in schema  # no identifiers, no transcript text
    first = next(r for r in interactions.to_pylist() if r["csat"] is not None)
    assert 1 <= first["csat_5"] <= 5


def test_scope_filters_and_the_cli(site: Web, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    lead = site.signed_in("sam.lead")
    rows = list(csv.DictReader(io.StringIO(lead.client.get("/api/export/interactions").text)))
    assert rows and {r["team"] for r in rows} == {"Team North"}  # a supervisor gets their team only
    voice = list(csv.DictReader(io.StringIO(lead.client.get("/api/export/interactions?channel=voice").text)))
    assert {r["channel"] for r in voice} == {"voice"} and len(voice) < len(rows)
    assert site.signed_in("j.smith").client.get("/api/export/interactions").status_code == 403
    monkeypatch.setenv("CALLQA_DATABASE_URL", site.db.url)
    runner = CliRunner()
    out = f"{tmp_path}/results.parquet"
    made = runner.invoke(app, ["export", "--table", "criterion_results", "--format", "parquet", "-o", out])
    assert made.exit_code == 0, made.output
    assert pq.read_table(out).num_rows == counts(site)["criterion_results"]
    team = runner.invoke(app, ["export", "--table", "interactions", "--team", "Team North"])
    assert team.exit_code == 0 and len(list(csv.DictReader(io.StringIO(team.stdout)))) == len(rows)
    bad = runner.invoke(app, ["export", "--format", "parquet"])
    assert bad.exit_code == 2 and "--format parquet needs --table" in bad.output
