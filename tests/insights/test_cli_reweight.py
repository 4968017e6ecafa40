"""``callqa scorecard reweight``: the report, ``--json``, and ``--apply`` making an audited draft."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.scoring.models import ScorecardRow
from reweight_support import NAME, build_centre
from support import Database

pytestmark = pytest.mark.issue(21)
runner = CliRunner()
MAY = ["--scorecard", NAME, "--since", "2026-05-01", "--until", "2026-05-31"]


def test_the_report_then_a_draft_on_request(cli_env: Database) -> None:
    with cli_env.factory.begin() as session:
        build_centre(session)
    refresh_insights(cli_env.factory, InsightConfig(ZoneInfo("UTC")))
    shown = runner.invoke(app, ["scorecard", "reweight", *MAY])
    assert shown.exit_code == 0, shown.output
    assert "greeting: weighted 5 % of the score but the strongest driver of CSAT" in shown.output
    assert "held-out correlation of the score with CSAT (300 interactions, 5 folds)" in shown.output
    as_json = runner.invoke(app, ["scorecard", "reweight", *MAY, "--json"])
    body = json.loads(as_json.stdout)
    assert {c["criterion"]: c["suggested"] for c in body["criteria"]}["greeting"] == 10
    with cli_env.factory() as session:
        assert session.scalars(select(ScorecardRow.origin).where(ScorecardRow.name == NAME)).all() == [
            "editor"
        ]
    applied = runner.invoke(app, ["scorecard", "reweight", *MAY, "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "service v2 saved as a DRAFT" in applied.output
    with cli_env.factory() as session:
        origins = session.scalars(select(ScorecardRow.origin).where(ScorecardRow.name == NAME)).all()
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "reweight_draft")).one()
    assert sorted(origins) == ["draft", "editor"]
    assert (
        audit.client == "cli" and audit.detail["version"] == 2 and audit.detail["weights"]["greeting"] == 10
    )


def test_bad_input_is_a_coded_error(cli_env: Database) -> None:
    unknown = runner.invoke(app, ["scorecard", "reweight", "--scorecard", "nope"])
    assert unknown.exit_code == 2 and "[O160]" in unknown.output and "'nope'" in unknown.output
    bad = runner.invoke(app, ["scorecard", "reweight", "--blend", "3"])
    assert bad.exit_code == 2 and "[O163]" in bad.output and "blend" in bad.output
    nothing = runner.invoke(
        app, ["scorecard", "reweight", "--since", "2020-01-01", "--until", "2020-01-31", "--apply"]
    )
    assert nothing.exit_code == 2 and "[O162]" in nothing.output
