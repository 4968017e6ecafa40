"""Retention and legal holds through the CLI (issue 18): a dry run counts exactly what the run removes; held
interactions, customers and agents are kept; every removal is audited by kind and rule; removing transcript
text keeps scores and dashboards; removing whole interactions sums the roll-ups again."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.insights.models import InsightFactRow
from callqa.insights.rollups import rebuild_rollups
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.lifecycle.models import LegalHoldRow, RetentionMarkRow
from callqa.scoring.models import AnalysisRow, EvaluationRow
from callqa.storage.files import FileStore
from lifecycle_support import rollup_rows
from support import Database

pytestmark = pytest.mark.issue(18)
runner = CliRunner()

CONFIG = """
retention:
  transcript_text: 60
  redacted_audio: 60
  analyses: 60
  audit_log: 3650
  rules:
    - name: short-chat
      channel: chat
      interactions: 50
"""


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _call(external_id: str, channel: str, days_ago: int, **fields: Any) -> dict[str, Any]:
    started = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "external_id": external_id,
        "channel": channel,
        "agent": "a.kim",
        "team": "Cards",
        "queue": "billing" if channel == "voice" else "web",
        "language": "en",
        "started_at": started.isoformat(),
        "turns": [
            {"role": "agent", "text": "Thank you for calling Acme Bank, this is Anna.", "start_ms": 0},
            {"role": "customer", "text": f"My account {external_id} was charged twice.", "start_ms": 3000},
            {"role": "agent", "text": "I am sorry, I will refund it today. Anything else?", "start_ms": 7000},
        ],
        **fields,
    }


@pytest.fixture
def stored(cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Six interactions, scored and folded into the dashboards; r1 has a recording."""
    config = tmp_path / "callqa.yaml"
    config.write_text(CONFIG, "utf-8")
    monkeypatch.setenv("CALLQA_CONFIG_FILE", str(config))
    store = FileStore(tmp_path / "data" / "files")
    audio = store.put_bytes(b"RIFF redacted", "audio/r1/redacted.flac")
    original = store.put_bytes(b"RIFF original", "audio/r1/original.wav")
    recording = {
        **{"uri": audio, "original_uri": original, "duration_ms": 9000, "channels": 2},
        **{"sample_rate": 16000, "source_sha256": "b" * 64},
    }
    calls = [
        _call("r1", "voice", 100, customer="C-1", recording=recording),
        _call("r2", "chat", 100, customer="C-2"),
        _call("r3", "voice", 10, customer="C-3"),
        _call("r4", "voice", 100, customer="C-0042"),
        _call("r5", "chat", 100, customer="C-5"),
        {**_call("r6", "voice", 100, customer="C-6"), "agent": "held.agent"},
    ]
    inbox = tmp_path / "calls.jsonl"
    inbox.write_text("\n".join(json.dumps(c) for c in calls) + "\n", "utf-8")
    _ok("ingest", str(inbox), "--no-progress")
    _ok("score")
    _ok("insights", "refresh")
    with cli_env.factory() as session:
        return {
            r.external_id: r.id
            for r in session.execute(select(InteractionRow.external_id, InteractionRow.id))
        }


def _counts(output: str) -> list[tuple[str, ...]]:
    """The rows of the printed table: kind, rule, items, rows, files."""
    return sorted(
        tuple(m.groups())
        for m in re.finditer(r"^\W*(\w+)\W+([\w-]+)\W+(\d+)\W+(\d+)\W+(\d+)\W*$", output, re.MULTILINE)
    )


def test_retention_keeps_what_is_held_and_counts_before_it_removes(
    cli_env: Database, stored: dict[str, int], tmp_path: Path
) -> None:
    _ok("hold", "add", "--customer", "c-0042", "--reason", "case 17")
    _ok("hold", "add", "--interaction", str(stored["r5"]), "--reason", "complaint 9")
    _ok("hold", "add", "--agent", "held.agent", "--reason", "tribunal")
    listed = _ok("hold", "list")
    assert "complaint 9" in listed and "tribunal" in listed and "case 17" in listed
    before = rollup_rows(cli_env.engine)
    with cli_env.factory() as session:
        r1_fact = session.get_one(InsightFactRow, stored["r1"])
        r1_score = (r1_fact.score, r1_fact.day)

    dry = _ok("retention", "run", "--dry-run")
    assert "would remove" in dry
    assert rollup_rows(cli_env.engine) == before  # a dry run changes nothing
    with cli_env.factory() as session:
        assert session.scalar(select(func.count()).select_from(InteractionRow)) == 6
    done = _ok("retention", "run")
    assert _counts(dry) == _counts(done)
    assert _counts(done) == [
        ("analyses", "default", "1", "1", "0"),
        ("interactions", "short-chat", "1", _counts(done)[1][3], "0"),
        ("redacted_audio", "default", "1", "1", "2"),
        ("transcript_text", "default", "1", _counts(done)[3][3], "0"),
    ]

    with cli_env.factory() as session:
        left = set(session.scalars(select(InteractionRow.external_id)))
        assert left == {"r1", "r3", "r4", "r5", "r6"}  # r2 (old chat) gone; r5 held
        turns = dict(
            session.execute(
                select(TurnRow.interaction_id, func.count()).group_by(TurnRow.interaction_id)
            ).all()
        )
        assert stored["r1"] not in turns  # transcript removed ...
        assert all(turns[stored[x]] == 3 for x in ("r3", "r4", "r5", "r6"))  # ... young and held kept
        evaluation = session.scalars(
            select(EvaluationRow).where(
                EvaluationRow.interaction_id == stored["r1"], EvaluationRow.is_current
            )
        ).one()
        assert evaluation.score is not None  # the score stays
        mark = session.scalars(
            select(RetentionMarkRow).where(RetentionMarkRow.interaction_id == stored["r1"])
        )
        assert {(m.kind, m.rule) for m in mark} == {
            ("transcript_text", "default"),
            ("redacted_audio", "default"),
        }
        r1 = session.get_one(InteractionRow, stored["r1"])
        assert r1.recording is None
        assert (
            session.scalar(select(AnalysisRow.id).where(AnalysisRow.interaction_id == stored["r1"])) is None
        )
        fact = session.get_one(InsightFactRow, stored["r1"])
        assert (fact.score, fact.day) == r1_score  # the dashboards still count it as before
        audits = session.scalars(select(AuditRow).where(AuditRow.action == "retention")).all()
        assert sorted((a.resource, a.detail["rule"], a.detail["items"]) for a in audits) == [
            ("analyses", "default", 1),
            ("interactions", "short-chat", 1),
            ("redacted_audio", "default", 1),
            ("transcript_text", "default", 1),
        ]
        assert all(a.username.startswith("cli:") for a in audits)
        holds = session.scalars(select(AuditRow).where(AuditRow.action == "hold_add")).all()
        assert len(holds) == 3 and "c-0042" not in json.dumps([h.detail for h in holds]).lower()
    assert not (tmp_path / "data" / "files" / "audio" / "r1" / "redacted.flac").exists()

    # the roll-ups were summed again without r2, and the text removal did not change them
    after = rollup_rows(cli_env.engine)
    assert after != before
    with cli_env.factory.begin() as session:
        rebuild_rollups(session, set(session.scalars(select(InsightFactRow.day).distinct())))
    assert rollup_rows(cli_env.engine) == after

    # a second run finds nothing more; releasing the hold on r5 lets the chat rule take it
    assert "removed 0 item(s)" in _ok("retention", "run")
    with cli_env.factory() as session:
        hold_id = session.scalars(
            select(LegalHoldRow.id).where(LegalHoldRow.target == str(stored["r5"]))
        ).one()
    _ok("hold", "remove", str(hold_id))
    assert "removed 1 item(s)" in _ok("retention", "run")


def test_a_held_customer_cannot_be_erased(cli_env: Database, stored: dict[str, int]) -> None:
    _ok("hold", "add", "--customer", "C-0042", "--reason", "litigation 4")
    refused = runner.invoke(app, ["erase", "--customer", "C-0042"])
    assert refused.exit_code == 2
    assert "[D101]" in refused.output and "litigation 4" in refused.output and "C-0042" not in refused.output
    with cli_env.factory() as session:
        assert (
            session.scalar(select(InteractionRow.id).where(InteractionRow.customer == "C-0042")) is not None
        )
        assert session.scalar(select(func.count()).where(AuditRow.action == "erasure")) == 0
    missing = runner.invoke(app, ["hold", "remove", "999"])
    assert missing.exit_code == 2 and "[D103]" in missing.output
    both = runner.invoke(app, ["hold", "add", "--agent", "x", "--interaction", "1", "--reason", "r"])
    assert both.exit_code == 2
