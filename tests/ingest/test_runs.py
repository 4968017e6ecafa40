"""Ingest runs: a run whose process died shows as interrupted in the history, never as running forever."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.ingest.models import IngestRunRow
from support import Database

# A real process opens a run and dies without closing it, as a `kill -9` during ingest leaves it.
DIES_MID_RUN = """
import os, sys
from pathlib import Path
from callqa.db.engine import create_db_engine, session_factory
from callqa.ingest.runs import open_run
open_run(session_factory(create_db_engine(sys.argv[1])), [Path("inbox")], "auto")
os._exit(9)
"""


def statuses(db: Database) -> list[tuple[int, str, int | None]]:
    with db.factory() as session:
        rows = session.scalars(select(IngestRunRow).order_by(IngestRunRow.id))
        return [(r.id, r.status, r.pid) for r in rows]


def test_a_killed_run_is_marked_interrupted_by_the_next_one(cli_env: Database, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    died = subprocess.run(
        [sys.executable, "-c", DIES_MID_RUN, cli_env.url], env=env, timeout=120, check=False
    )
    assert died.returncode == 9
    [(first, status, pid)] = statuses(cli_env)
    assert status == "running" and pid not in (None, os.getpid())
    shown = CliRunner().invoke(app, ["stats"])  # a read: tells the truth without writing it
    assert f"last ingest #{first} (interrupted)" in shown.stdout, shown.output

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Agent: Hello.\nCustomer: Hi.\n", "utf-8")
    (inbox / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    result = CliRunner().invoke(app, ["ingest", "--no-progress", str(inbox)])
    assert result.exit_code == 0, result.output
    assert "1 files: 1 created" in result.stdout and ", 1 skipped" in result.stdout
    assert f"{inbox / '.DS_Store'}: skipped, a hidden file" in result.stderr
    assert [s for _, s, _ in statuses(cli_env)] == ["interrupted", "finished"]

    history = CliRunner().invoke(app, ["ingest-runs"])
    assert history.exit_code == 0, history.output
    lines = history.stdout.splitlines()
    assert lines[0].startswith(f"#{first + 1} ") and " finished " in lines[0] and "1 skipped" in lines[0]
    assert lines[1].startswith(f"#{first} ") and " interrupted " in lines[1]
