"""``callqa classes`` (SQLite + PostgreSQL): create a class, add interactions with moments and notes (a bad
one refused with its code), list and show it; each change audited as the command line's operator."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from redact_support import VISA
from support import Database
from web_support import seed

pytestmark = [pytest.mark.issue(22), pytest.mark.db]
runner = CliRunner()


def test_a_class_is_built_and_shown_from_the_command_line(cli_env: Database) -> None:
    seed(cli_env)
    created = runner.invoke(app, ["classes", "create", "Holds done right", "--team", "Team North"])
    assert created.exit_code == 0, created.output
    assert created.output.startswith("created class 1: Holds done right")
    added = runner.invoke(
        app,
        [
            "classes",
            "add",
            "1",
            "en-call-01",
            "--moment",
            "#2 the hold",
            "--moment",
            "0:15 silence",
            "--notes",
            f"The card {VISA} was read out.",
        ],
    )
    assert added.exit_code == 0, added.output
    assert "class 1: item 1 is interaction" in added.output
    bad = runner.invoke(app, ["classes", "add", "1", "en-call-02", "--moment", "#9999 far"])
    assert (
        bad.exit_code == 2 and "[T165]" in bad.output and "turn 9999 is not in the transcript" in bad.output
    )
    missing = runner.invoke(app, ["classes", "add", "1", "no-such-call"])
    assert missing.exit_code == 2 and "[T164]" in missing.output
    unknown = runner.invoke(app, ["classes", "create", "x", "--team", "Nowhere"])
    assert unknown.exit_code == 2 and "[T169]" in unknown.output
    listed = runner.invoke(app, ["classes", "list"])
    assert listed.exit_code == 0 and "Holds done right" in listed.output and "Team North" in listed.output
    shown = runner.invoke(app, ["classes", "show", "1"])
    assert shown.exit_code == 0, shown.output
    assert (
        "1. en-call-01" in shown.output and "#2 the hold" in shown.output and "0:15 silence" in shown.output
    )
    assert "notes (hidden)" in shown.output and VISA not in shown.output
    assert runner.invoke(app, ["classes", "show", "7"]).exit_code == 2
    with cli_env.factory() as session:
        audited = session.scalars(select(AuditRow).where(AuditRow.resource == "training_class")).all()
        assert [row.action for row in audited] == ["class.create", "class.add_item"]
        assert all(row.username.startswith("cli:") and row.user_id is None for row in audited)
