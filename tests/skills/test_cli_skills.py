"""``callqa skills``, ``callqa routing`` and ``callqa routing simulate`` (callqa.cli.skills): tables, the
CSV and export files (audited), coded errors for bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.skills.service import CELL_COLUMNS
from skills_support import Call, add_calls, floor
from support import Database

pytestmark = pytest.mark.issue(21)
runner = CliRunner()


@pytest.fixture
def calls(cli_env: Database) -> Database:
    with cli_env.factory.begin() as session:
        add_calls(session, floor() + [Call("steady", "Team A", "card_lost", 94.0, 5.0, 300)] * 30)
    return cli_env


def test_skills_and_routing_from_the_command_line(
    calls: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    shown = runner.invoke(app, ["skills", "--team", "Team A"])
    assert shown.exit_code == 0, shown.output
    assert "steady" in shown.output and "card_lost" in shown.output
    out = tmp_path / "skills.csv"
    written = runner.invoke(app, ["skills", "--kind", "reason", "--csv", str(out)])
    assert written.exit_code == 0, written.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert tuple(rows[0]) == CELL_COLUMNS and len(rows) == 6
    steady = next(r for r in rows if r["agent"] == "steady")
    assert steady["level"] == "5" and steady["n"] == "30"
    listed = runner.invoke(app, ["routing", "--queue", "cards"])
    assert listed.exit_code == 0, listed.output
    assert "cards · card_lost" in listed.output and "steady" in listed.output
    routed = tmp_path / "routing.csv"
    exported = runner.invoke(app, ["routing", "--format", "csv", "--out", str(routed)])
    assert exported.exit_code == 0, exported.output
    lines = list(csv.DictReader(io.StringIO(routed.read_text("utf-8"))))
    assert (
        lines[0]["agent"] == "steady" and lines[0]["rank"] == "1" and lines[0]["skill"] == "reason:card_lost"
    )
    with calls.factory() as session:
        audited = session.scalars(
            select(AuditRow).where(AuditRow.client == "cli").order_by(AuditRow.id)
        ).all()
    assert [(r.action, r.resource) for r in audited] == [("export", "skills"), ("export", "routing")]


def test_bad_input_is_a_coded_error(calls: Database) -> None:
    backwards = runner.invoke(app, ["skills", "--since", "2026-10-05", "--until", "2026-10-01"])
    assert backwards.exit_code == 2 and "[O130]" in backwards.output
    nobody = runner.invoke(app, ["skills", "--agent", "nobody"])
    assert nobody.exit_code == 2 and "[O133]" in nobody.output and "nobody" in nobody.output
    unknown = runner.invoke(app, ["routing", "--format", "xml"])
    assert unknown.exit_code == 2 and "[O140]" in unknown.output
    # the simulation replays the synthetic centre only: the truth about each agent is known there
    simulated = runner.invoke(app, ["routing", "simulate"])
    assert (
        simulated.exit_code == 2
        and "[O132]" in simulated.output
        and "no synthetic centre" in simulated.output
    )
