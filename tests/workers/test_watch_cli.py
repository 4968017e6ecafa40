"""``callqa watch --once`` in the embedded default (no Redis) ingests what arrived, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import fsspec
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.interactions.models import InteractionRow
from callqa.runtime import Runtime
from callqa.scoring.models import EvaluationRow
from callqa.workers.arrival_ingest import ingest_arrival
from callqa.workers.arrivals import Arrival
from callqa.workers.models import ArrivalRow
from support import Database

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(120)]
SRC = Path(__file__).resolve().parents[2] / "src"


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
        # and scored, as the workers would: one current evaluation each
        current = select(func.count(EvaluationRow.id)).where(EvaluationRow.is_current.is_(True))
        assert session.scalar(current) == 2
    again = runner.invoke(app, ["watch", str(inbox), "--once", "--stable", "0"])
    assert again.exit_code == 0, again.output
    assert "0 arrivals ingested" in again.stdout
    with cli_env.factory() as session:
        assert session.scalar(select(func.count(InteractionRow.id))) == 2
        assert session.scalar(select(func.count(EvaluationRow.id))) == 2  # nothing scored twice
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


def test_watch_runs_until_sigterm_and_ingests_what_arrives_meanwhile(
    sqlite_db: Database, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {
        **os.environ,
        "CALLQA_DATABASE_URL": sqlite_db.url,
        "CALLQA_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(SRC),
    }
    env.pop("CALLQA_REDIS_URL", None)
    env.pop("CALLQA_CONFIG_FILE", None)
    command = [sys.executable, "-m", "callqa", "watch", str(inbox), "--interval", "0.2", "--stable", "0.3"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        (inbox / "late.txt").write_text("Agent: Hello.\nCustomer: Where is my parcel?\n", "utf-8")
        deadline = time.monotonic() + 30
        while not stored(sqlite_db):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the arrival was never ingested"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "1 arrivals ingested" in out


def stored(db: Database) -> bool:
    with db.factory() as session:
        return session.scalar(select(func.count(InteractionRow.id))) == 1


def test_watch_once_ingests_from_an_fsspec_url_with_the_sidecar(
    cli_env: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CALLQA_REDIS_URL", raising=False)
    root = f"/in-{uuid.uuid4().hex}"
    fs = fsspec.filesystem("memory")
    fs.pipe(f"{root}/call-m.txt", b"Agent: Hello.\nCustomer: My card is blocked.\n")
    fs.pipe(f"{root}/call-m.json", json.dumps({"agent": "b.lee", "team": "South"}).encode())
    try:
        result = CliRunner().invoke(app, ["watch", f"memory://{root}", "--once", "--stable", "0"])
    finally:
        fs.rm(root, recursive=True)
    assert result.exit_code == 0, result.output
    assert "1 arrivals ingested" in result.stdout
    with cli_env.factory() as session:
        row = session.execute(select(InteractionRow.external_id, InteractionRow.agent, InteractionRow.team))
        assert [tuple(r) for r in row] == [("call-m", "b.lee", "South")]


def test_a_remote_arrival_gone_before_its_fetch_is_w121_and_stays_due(db: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url)
    gone = Arrival(1, "memory:///nowhere-" + uuid.uuid4().hex + "/call.txt", 10, "1")
    with Runtime.open(settings, engine=db.engine) as runtime, pytest.raises(CallqaError) as caught:
        ingest_arrival(runtime, gone)
    assert caught.value.code.name == "W121" and gone.path in str(caught.value)
