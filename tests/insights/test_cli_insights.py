"""``callqa insights generate`` and ``callqa insights refresh`` against the test database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.core.query import InteractionQuery
from callqa.insights import dashboard
from callqa.insights.models import InsightFactRow
from callqa.users.models import UserRow
from support import Database

pytestmark = [pytest.mark.issue(7), pytest.mark.db]
runner = CliRunner()


def test_generate_a_synthetic_centre_then_refresh(cli_env: Database) -> None:
    made = runner.invoke(app, ["insights", "generate", "--count", "600", "--agents", "12", "--teams", "3",
                               "--days", "30", "--until", "2026-10-31"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "added 600 synthetic interactions" in made.stdout
    assert "insights rebuilt: 600 interactions, 30 days" in made.stdout
    with cli_env.factory() as session:
        assert session.scalar(select(func.count()).select_from(InsightFactRow)) == 600
        assert session.scalar(select(func.count()).select_from(UserRow).where(UserRow.role == "agent")) == 12
        october = InteractionQuery.on_days(date(2026, 10, 1), date(2026, 10, 31))
        assert dashboard.summary(session, october).n == 600
        assert len(dashboard.agents(session, october)) == 12
        assert dashboard.teams_in(session, october) == ["Team 01", "Team 02", "Team 03"]
    again = runner.invoke(app, ["insights", "generate", "--count", "600", "--agents", "12", "--teams", "3",
                                "--days", "30", "--until", "2026-10-31"])  # fmt: skip
    assert again.exit_code == 0, again.output  # the same agents again: no duplicate users
    full = runner.invoke(app, ["insights", "refresh", "--full"])
    assert full.exit_code == 0, full.output
    assert full.stdout.startswith("insights rebuilt: 1200 interactions, 30 days")
