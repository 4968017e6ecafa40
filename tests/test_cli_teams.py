"""Teams on the command line (issue 19): ``callqa user add --team`` takes only a known team, suggesting the
closest name for a typo, and ``callqa team add`` makes a team known before its first interaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.users.models import UserRow
from support import Database

pytestmark = pytest.mark.issue(19)
runner = CliRunner()
PASSWORD = "plum tree at dusk\n"


def _add(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["user", "add", *args, "--password-stdin"], input=PASSWORD)
    return result.exit_code, result.output


def test_a_typod_team_is_refused_and_a_known_one_accepted(cli_env: Database) -> None:
    added = runner.invoke(app, ["team", "add", "Team North"])
    assert added.exit_code == 0, added.output
    code, output = _add("j.smith", "--role", "agent", "--agent-name", "j.smith", "--team", "Team Nort")
    assert code != 0
    assert "[U103]" in output and "Team Nort" in output and "Team North" in output
    with cli_env.factory() as session:
        assert session.scalar(select(UserRow).where(UserRow.username == "j.smith")) is None
    code, output = _add("j.smith", "--role", "agent", "--agent-name", "j.smith", "--team", "Team North")
    assert code == 0, output
    code, output = _add("sam", "--role", "supervisor", "--leads", "Team North", "--leads", "Team Suoth")
    assert code != 0 and "Team Suoth" in output
    listed = runner.invoke(app, ["team", "list"])
    assert listed.exit_code == 0 and listed.output.split() == ["Team", "North"]
    with cli_env.factory() as session:
        audited = session.scalars(select(AuditRow).where(AuditRow.resource == "team")).all()
        assert [(row.action, row.client) for row in audited] == [("create", "cli")]


def test_a_team_name_twice_is_refused(cli_env: Database) -> None:
    assert runner.invoke(app, ["team", "add", "Team North"]).exit_code == 0
    again = runner.invoke(app, ["team", "add", "Team North"])
    assert again.exit_code != 0 and "[U104]" in again.output
