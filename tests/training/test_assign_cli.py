"""``callqa assignments``: create for an agent and a team, list with the practice progress, cancel; coded
refusals and exit code 2 (SQLite and PostgreSQL). The practice row is inserted directly."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from assign_support import people, practice, scenario
from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.training.models import AssignmentRow
from support import Database

runner = CliRunner()


def test_assignments_from_the_command_line(cli_env: Database) -> None:
    with cli_env.factory.begin() as session:
        p = people(session)
        s = scenario(session, p.analyst, "fa", "دو بار کسر شده")
        scenario_id = s.id
    one = runner.invoke(app, ["assignments", "create", "--scenario", str(scenario_id), "--agent", "cai"])
    assert one.exit_code == 0, one.output
    team = runner.invoke(
        app,
        ["assignments", "create", "--scenario", str(scenario_id), "--team", "North", "--due", "2099-01-31"],
    )
    assert team.exit_code == 0, team.output
    assert [line.split()[1] for line in team.output.strip().splitlines()] == ["ana", "ben"]
    with cli_env.factory.begin() as session:
        ana = session.scalars(select(AssignmentRow).where(AssignmentRow.agent_name == "ana")).one()
        practice(
            session,
            agent_id=p.ana,
            scenario_id=scenario_id,
            score=77.5,
            passed=True,
            harder=0,
            finished_at=datetime.now(UTC),
            assignment_id=ana.id,
        )
    listed = runner.invoke(app, ["assignments", "list", "--team", "North", "--json", "--days", "14"])
    assert listed.exit_code == 0, listed.output
    shown = {a["agent"]: a for a in json.loads(listed.output)}
    assert set(shown) == {"ana", "ben"} and shown["ana"]["practice"]["best_score"] == 77.5
    assert shown["ana"]["scenario"] == "دو بار کسر شده" and shown["ben"]["due_on"] == "2099-01-31"
    assert shown["ana"]["real"]["days"] == 14 and shown["ana"]["real"]["criterion"] == "empathy"
    table = runner.invoke(app, ["assignments", "list"])
    assert table.exit_code == 0 and "cai" in table.output

    cancelled = runner.invoke(app, ["assignments", "cancel", str(shown["ben"]["id"])])
    assert cancelled.exit_code == 0, cancelled.output
    again = runner.invoke(app, ["assignments", "cancel", str(shown["ben"]["id"])])
    assert again.exit_code == 2 and "[T145]" in again.output
    nobody = runner.invoke(app, ["assignments", "create", "--scenario", str(scenario_id), "--agent", "zed"])
    assert nobody.exit_code == 2 and "[T140] assignment: agent 'zed' not found" in nobody.output
    both = runner.invoke(app, ["assignments", "create", "--scenario", str(scenario_id)])
    assert both.exit_code == 2 and "[T142]" in both.output
    with cli_env.factory() as session:
        audits = session.scalars(select(AuditRow).where(AuditRow.resource == "assignment")).all()
        assert [a.action for a in audits] == ["assignment.create", "assignment.create", "assignment.cancel"]
        assert all(a.username.startswith("cli:") for a in audits)
