"""Command-line actions leave audit rows too (issue 18): users, passwords, API tokens and exports, by
``cli:<login name>`` from client ``cli`` — never the secret itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from support import Database

pytestmark = pytest.mark.issue(18)
runner = CliRunner()


def test_cli_actions_are_audited(cli_env: Database, tmp_path: Path) -> None:
    added = runner.invoke(
        app,
        ["user", "add", "qa.lead", "--role", "qa_analyst", "--password-stdin"],
        input="plum tree at dusk\n",
    )
    assert added.exit_code == 0, added.output
    weak = runner.invoke(app, ["user", "password", "qa.lead", "--password-stdin"], input="password123\n")
    assert weak.exit_code != 0 and "common password" in weak.output
    token = runner.invoke(app, ["user", "token", "qa.lead", "--name", "bi"])
    assert token.exit_code == 0, token.output
    calls = tmp_path / "c.jsonl"
    record = {"external_id": "c1", "channel": "chat", "turns": [{"role": "agent", "text": "Hello"}]}
    calls.write_text(json.dumps(record) + "\n", "utf-8")
    assert runner.invoke(app, ["ingest", str(calls), "--no-progress"]).exit_code == 0
    out = tmp_path / "out.jsonl"
    exported = runner.invoke(app, ["export", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    with cli_env.factory() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.client == "cli").order_by(AuditRow.id)).all()
    assert [(r.action, r.resource) for r in rows] == [
        ("create", "user"),
        ("create", "api_token"),
        ("export", "interactions"),
    ]
    assert all(r.username.startswith("cli:") for r in rows)
    assert rows[1].detail == {"username": "qa.lead", "name": "bi"}
    assert token.stdout.strip() not in json.dumps([r.detail for r in rows])  # the token itself is never kept
    assert rows[2].detail == {"format": "jsonl", "rows": 0, "to": str(out)}
