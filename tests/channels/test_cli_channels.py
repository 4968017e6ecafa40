"""``callqa channels`` end to end: a synthetic centre generated through the runtime (which keys its
customers), the report printed, a table written as CSV and the export audited; bad input refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from support import Database

pytestmark = [pytest.mark.db, pytest.mark.issue(21)]
runner = CliRunner()
PERIOD = ["--since", "2026-10-03", "--until", "2026-11-01"]


def test_channels_command_prints_segments_and_writes_an_audited_csv(
    cli_env: Database, tmp_path: Path
) -> None:
    shape = ["--count", "1500", "--agents", "10", "--teams", "2", "--days", "30", "--until", "2026-11-01"]
    made = runner.invoke(app, ["insights", "generate", *shape])
    assert made.exit_code == 0, made.output
    out = tmp_path / "customers.csv"
    shown = runner.invoke(app, ["channels", *PERIOD, "--csv", str(out), "--table", "customers"])
    assert shown.exit_code == 0, shown.output
    assert "phone-first, resolved on chat" in shown.output and "k-anonymity" in shown.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) > 300 and all(r["customer"].startswith("c-") for r in rows)
    assert "cust-" not in out.read_text(encoding="utf-8")
    with cli_env.factory() as session:
        audited = session.scalars(select(AuditRow).where(AuditRow.resource == "channel_preferences")).all()
    assert [(a.action, a.resource_id, a.client) for a in audited] == [("export", "customers.csv", "cli")]
    assert audited[0].detail == {
        "since": "2026-10-03",
        "until": "2026-11-01",
        "table": "customers",
        "file": str(out),
    }


def test_channels_command_refuses_bad_days_and_tables(cli_env: Database, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["channels", "--since", "3 weeks ago"])
    assert bad.exit_code == 2 and "O150" in bad.output
    backwards = runner.invoke(app, ["channels", "--since", "2026-11-02", "--until", "2026-11-01"])
    assert backwards.exit_code == 2 and "O151" in backwards.output
    unknown = runner.invoke(app, ["channels", "--csv", str(tmp_path / "x.csv"), "--table", "phones"])
    assert unknown.exit_code == 2 and "O152" in unknown.output and not (tmp_path / "x.csv").exists()
