"""Workers need PostgreSQL and a broker, and say so with a coded error before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from callqa.cli import app

pytestmark = pytest.mark.issue(20)
NOWHERE_PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to: the check comes first


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CALLQA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CALLQA_DATABASE_URL", raising=False)
    monkeypatch.delenv("CALLQA_REDIS_URL", raising=False)
    monkeypatch.delenv("CALLQA_CONFIG_FILE", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "command", [["worker"], ["ingest", "--enqueue", "."], ["score", "--enqueue"]], ids=" ".join
)
def test_sqlite_is_refused_with_w110(env: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    monkeypatch.setenv("CALLQA_REDIS_URL", "redis://127.0.0.1:1/0")

    result = CliRunner().invoke(app, command)

    assert result.exit_code == 2
    assert "[W110] workers need PostgreSQL, the store every worker shares; the database is sqlite (" in (
        " ".join(result.output.split())
    )
    assert "set CALLQA_DATABASE_URL to a postgresql:// URL" in " ".join(result.output.split())
    assert not (env / "data" / "callqa.db").exists()  # nothing was opened


@pytest.mark.parametrize(
    "command", [["worker"], ["ingest", "--enqueue", "."], ["score", "--enqueue"]], ids=" ".join
)
def test_no_broker_is_refused_with_w111(
    env: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("CALLQA_DATABASE_URL", NOWHERE_PG)

    result = CliRunner().invoke(app, command)

    assert result.exit_code == 2
    assert "[W111] workers need a broker: set CALLQA_REDIS_URL" in " ".join(result.output.split())


def test_an_unknown_queue_is_refused_with_w114(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_DATABASE_URL", NOWHERE_PG)
    monkeypatch.setenv("CALLQA_REDIS_URL", "redis://127.0.0.1:1/0")

    result = CliRunner().invoke(app, ["worker", "--queues", "score,transcode"])

    assert result.exit_code == 2
    assert "[W114] queues transcode: unknown; known: transcribe, score, refresh" in result.output


def test_the_embedded_default_ignores_the_broker(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --enqueue, ingest runs in this process on SQLite, as before, whatever CALLQA_REDIS_URL says."""
    monkeypatch.setenv("CALLQA_REDIS_URL", "redis://127.0.0.1:1/0")
    inbox = env / "in"
    inbox.mkdir()
    (inbox / "call-1.txt").write_text("Agent: hello, how can I help?\nCustomer: my card\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["ingest", "--no-progress", str(inbox)])

    assert result.exit_code == 0, result.output
    assert "1 files: 1 created" in result.output
