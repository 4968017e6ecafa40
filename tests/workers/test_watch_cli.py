"""``callqa watch --once`` in the embedded default (no Redis) ingests what arrived, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.interactions.models import InteractionRow
from callqa.workers.models import ArrivalRow
from support import Database

pytestmark = pytest.mark.issue(20)


def test_watch_once_ingests_each_arrival_once(
    cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLQA_REDIS_URL", raising=False)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "call-en.txt").write_text("[00:00] Agent: Acme Bank, Anna.\n[00:03] Customer: Hi.\n", "utf-8")
    (inbox / "call-en.json").write_text(json.dumps({"agent": "a.kim", "team": "North"}), "utf-8")
    (inbox / "call-2.txt").write_text("Agent: Hello.\nCustomer: My card is blocked.\n", "utf-8")
    (inbox / "notes.md").write_text("not an interaction", "utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["watch", str(inbox), "--once", "--stable", "0.2"])
    assert first.exit_code == 0, first.output
    assert "2 arrivals ingested" in first.stdout
    with cli_env.factory() as session:
        rows = session.execute(select(InteractionRow.external_id, InteractionRow.agent, InteractionRow.team))
        assert sorted(tuple(r) for r in rows) == [("call-2", None, None), ("call-en", "a.kim", "North")]
    again = runner.invoke(app, ["watch", str(inbox), "--once", "--stable", "0"])
    assert again.exit_code == 0, again.output
    assert "0 arrivals ingested" in again.stdout
    with cli_env.factory() as session:
        assert session.scalar(select(func.count(InteractionRow.id))) == 2
        enqueued = select(func.count(ArrivalRow.id)).where(ArrivalRow.enqueued_at.is_not(None))
        assert session.scalar(enqueued) == 2


def test_enqueue_without_a_broker_is_refused_naming_the_setting(
    cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLQA_REDIS_URL", raising=False)
    result = CliRunner().invoke(app, ["watch", str(tmp_path), "--once", "--enqueue"])
    assert result.exit_code == 2
    assert "[W122]" in result.stderr and "CALLQA_REDIS_URL" in result.stderr
    with cli_env.factory() as session:
        assert session.scalar(select(func.count(ArrivalRow.id))) == 0


def test_a_missing_folder_exits_2_with_w120(cli_env: Database, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["watch", str(tmp_path / "gone"), "--once", "--stable", "0"])
    assert result.exit_code == 2
    assert "[W120]" in result.stderr and "gone" in result.stderr
