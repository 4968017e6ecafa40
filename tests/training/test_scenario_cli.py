"""``callqa scenarios`` over the scored demo calls: build (only by an analyst or admin), list, show (with
or without key points) and suggest (SQLite + PostgreSQL)."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.training.models import ScenarioRow
from scenario_support import ZH_CALL
from support import Database
from web_support import seed

runner = CliRunner()


def test_build_list_show_and_suggest(cli_env: Database) -> None:
    seed(cli_env)
    refused = runner.invoke(app, ["scenarios", "build", ZH_CALL, "--by", "j.smith"])
    assert refused.exit_code != 0 and "[T110]" in refused.output and "role agent" in refused.output
    built = runner.invoke(
        app, ["scenarios", "build", ZH_CALL, "--by", "analyst", "--criterion", "next_steps"]
    )
    assert built.exit_code == 0, built.output
    with cli_env.factory() as session:
        row = session.scalars(select(ScenarioRow)).one()
        assert row.criterion == "next_steps" and row.origin == "suggested" and row.language == "zh-Hans"
        audited = session.scalars(select(AuditRow.action).where(AuditRow.client == "cli")).all()
        assert "build" in audited
    listed = runner.invoke(app, ["scenarios", "list", "--language", "zh"])
    assert listed.exit_code == 0 and str(row.id) in listed.output
    shown = runner.invoke(app, ["scenarios", "show", str(row.id), "--json", "--without-key-points"])
    content = json.loads(shown.output)
    assert [s["level"] for s in content["scripts"]] == [1, 2, 3]
    assert all(step["key_point"] == "" for s in content["scripts"] for step in s["steps"])
    suggested = runner.invoke(
        app, ["scenarios", "suggest", "--since", "2026-09-01", "--limit", "2", "--json"]
    )
    assert suggested.exit_code == 0, suggested.output
    top = json.loads(suggested.output)["suggestions"]
    assert [(s["criterion"], s["reason"]) for s in top] == [
        ("hold_etiquette", "loan_mortgage"),
        ("recording_disclosure", "loan_mortgage"),
    ]
    bad = runner.invoke(app, ["scenarios", "list", "--state", "gone"])
    assert bad.exit_code != 0 and "[T108]" in bad.output
