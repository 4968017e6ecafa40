"""``callqa list`` at 80 and 200 columns, newest first with the AI's and the official score; ``report build``
refusing an unknown team or agent and a reversed period (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from callqa.cli import app
from callqa.db.engine import unit_of_work
from callqa.interactions.models import InteractionRow
from callqa.review import service as reviews
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.users.schemas import UserCreate
from callqa.users.service import create_user
from support import Database

pytestmark = [pytest.mark.issue(19), pytest.mark.db]

runner = CliRunner()


def _call(external_id: str, started: str, agent: str, team: str) -> dict[str, Any]:
    turns = [
        ("agent", "Thank you for calling Acme Bank, my name is Anna.", 0),
        ("agent", "This call is recorded for quality.", 3),
        ("customer", "My card was declined at the shop.", 6),
        ("agent", "I am sorry to hear that. I will send a new card today.", 11),
        ("agent", "Thank you for calling, goodbye.", 21),
    ]
    return {
        "external_id": external_id,
        "channel": "voice",
        "language": "en",
        "agent": agent,
        "team": team,
        "queue": "cards-and-payments",
        "started_at": started,
        "turns": [{"role": r, "text": t, "start_ms": s * 1000} for r, t, s in turns],
    }


CALLS = [
    _call(
        "a-very-long-external-identifier-0001", "2026-03-01T09:00:00Z", "anna.kim@acmebank.com", "Team North"
    ),
    _call("b-02", "2026-03-03T09:00:00Z", "j.smith", "Team South"),
    _call("c-03", "2026-03-02T09:00:00Z", "anna.kim@acmebank.com", "Team North"),
]


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def scored(cli_env: Database, tmp_path: Path) -> Database:
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CALLS), encoding="utf-8")
    assert invoke("ingest", str(path), "--no-progress").exit_code == 0
    assert invoke("score").exit_code == 0
    return cli_env


def _share_a_failed_greeting(db: Database, external_id: str) -> float:
    """A QA analyst fails one passed criterion of the interaction and shares it; the official score."""
    with unit_of_work(db.factory) as session:
        analyst = create_user(
            session,
            UserCreate(
                username="qa1", display_name="QA One", password="a long password 1", role="qa_analyst"
            ),
        )
        evaluation = session.scalars(
            select(EvaluationRow)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(InteractionRow.external_id == external_id, EvaluationRow.is_current.is_(True))
        ).one()
        passed = session.scalars(
            select(CriterionResultRow.criterion).where(
                CriterionResultRow.evaluation_id == evaluation.id,
                CriterionResultRow.outcome == "pass",
                CriterionResultRow.weight > 0,
            )
        ).first()
        assert passed is not None
        review = reviews.start_review(session, evaluation.id, analyst.id)
        reviews.override(
            session,
            review,
            criterion=passed,
            outcome="fail",
            reason="The greeting was cut off on the recording.",
            user_id=analyst.id,
        )
        reviews.share(session, review)
        session.flush()
        assert evaluation.score is not None and evaluation.ai_score is not None
        assert evaluation.score < evaluation.ai_score
        return evaluation.score


def _rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()][1:-1]


def test_list_fits_80_columns_newest_first_with_score_and_final(
    scored: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    official = _share_a_failed_greeting(scored, "c-03")
    monkeypatch.setenv("COLUMNS", "80")
    narrow = invoke("list")
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, narrow.stdout
    header = lines[0].split()
    assert "score" in header and "final" in header and "started" in header
    rows = _rows(narrow.stdout)
    assert [r.split()[0] for r in rows] == ["2", "3", "1"]  # newest first: b-02 (3 March), c-03, then a-…
    assert "26-03-03 09:00" in rows[0]
    assert f"{official:.1f}" in rows[1]  # the shared review's score beside the AI's
    assert "…" in narrow.stdout  # the long external id (or agent address) is cut, not wrapped
    assert lines[-1] == "3 of 3 interactions"

    monkeypatch.setenv("COLUMNS", "200")
    wide = invoke("list")
    header = wide.stdout.splitlines()[0].split()
    assert {"queue", "turns", "team", "lang", "dur", "score", "final"} <= set(header)
    assert "a-very-long-external-identifier-0001" in wide.stdout and "anna.kim@acmebank.com" in wide.stdout
    assert max(len(line) for line in wide.stdout.splitlines()) <= 200

    listed = [json.loads(line) for line in invoke("list", "--format", "jsonl").stdout.splitlines()]
    assert [r["external_id"] for r in listed] == ["b-02", "c-03", CALLS[0]["external_id"]]
    assert listed[1]["final_score"] == pytest.approx(official)
    assert listed[1]["score"] > listed[1]["final_score"] and listed[1]["review_state"] == "shared"


def test_report_build_refuses_an_unknown_team_or_agent_and_reversed_dates(
    scored: Database, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    dates = ["--since", "2026-03-01", "--until", "2026-03-31"]
    typo = invoke("report", "build", "--out", str(out), "--team", "Team Nort", *dates)
    assert typo.exit_code == 2 and "[R107]" in typo.stderr
    assert "did you mean 'Team North'" in typo.stderr and "Team Nort'" in typo.stderr
    agent = invoke("report", "build", "--out", str(out), "--agent", "nobody at all", *dates)
    assert agent.exit_code == 2 and "[R107]" in agent.stderr and "j.smith" in agent.stderr
    backwards = invoke(
        "report",
        "build",
        "--out",
        str(out),
        "--team",
        "Team North",
        "--since",
        "2026-03-31",
        "--until",
        "2026-03-01",
    )
    assert backwards.exit_code == 2 and "[R108]" in backwards.stderr and "2026-03-31" in backwards.stderr
    assert not out.exists()
    with unit_of_work(scored.factory) as session:
        create_user(
            session,
            UserCreate(username="boss", display_name="Boss", password="a long password 1", role="admin"),
        )
    scheduled = invoke(
        "report",
        "schedule",
        "add",
        "North",
        "--to",
        "lead@example.com",
        "--by",
        "boss",
        "--team",
        "Team Nort",
    )
    assert scheduled.exit_code == 2 and "did you mean 'Team North'" in scheduled.stderr
    good = invoke("report", "build", "--out", str(out), "--team", "Team North", *dates)
    assert good.exit_code == 0, good.output
    assert "Team North" in out.read_text("utf-8")
