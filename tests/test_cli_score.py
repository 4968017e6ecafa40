"""End to end through the CLI: ingest, then score, scorecard, show and export on a real database."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from callqa.cli import app
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow, ScoreFailureRow
from support import Database

pytestmark = pytest.mark.issue(3)

CARD = "4111 1111 1111 1111"


def _call(
    external_id: str, channel: str, agent: str, team: str, *turns: tuple[str, str, int]
) -> dict[str, Any]:
    """A callqa JSON interaction; turns are (role, text, start in seconds)."""
    return {
        **dict(external_id=external_id, channel=channel, language="en", agent=agent, team=team),
        "turns": [{"role": role, "text": text, "start_ms": at * 1000} for role, text, at in turns],
    }


CALLS = [
    _call(
        *("good-1", "voice", "a.kim", "Team North"),
        ("agent", "Thank you for calling Acme Bank, my name is Anna.", 0),
        ("agent", "This call is recorded for quality.", 3),
        ("customer", f"Hi, my card number is {CARD} and it was declined.", 6),
        ("agent", "I am sorry to hear that. I will send a new card today.", 11),
        ("agent", "Is there anything else I can help with?", 16),
        ("customer", "No, thanks.", 19),
        ("agent", "Thank you for calling, goodbye.", 21),
    ),
    _call(  # reads the card number back: auto-fail
        *("bad-2", "voice", "j.smith", "Team South"),
        ("agent", "Yeah?", 0),
        ("customer", "My payment is missing and I am really upset.", 2),
        ("agent", f"Your card is {CARD}, right? Not my problem.", 6),
    ),
    _call(
        *("chat-3", "chat", "a.kim", "Team North"),
        ("customer", "Hello, how do I reset my PIN?", 0),
        ("agent", "Hello, this is Anna from Acme Bank. Open the app, then Cards.", 30),
        ("customer", "Great, thanks!", 60),
        ("agent", "Thank you for contacting us, have a nice day.", 80),
    ),
]

MINI = """name: mini
title: Mini QA
pass_mark: 60
sections:
  - id: opening
    title: Opening
    criteria:
      - id: greeting
        title: Greets with the company name
        weight: 5
        detector: {type: phrase, within: {first_turns: 1}, phrases: ["thank you for calling"]}
  - id: closing
    title: Closing
    criteria:
      - id: thanks
        title: Thanks the customer
        weight: THANKS_WEIGHT
        detector: {type: phrase, within: {last_turns: 1}, phrases: ["thank you"]}
"""
STANDARD_CRITERIA = [c.spec.id for c in load_scorecard("standard").criteria]

runner = CliRunner()


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def mini(tmp_path: Path, thanks_weight: float = 5, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(MINI.replace("THANKS_WEIGHT", f"{thanks_weight:g}"), encoding="utf-8")
    return path


def ingest(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CALLS), encoding="utf-8")
    result = invoke("ingest", str(path), "--no-progress")
    assert result.exit_code == 0, result.output
    assert "3 created" in result.stdout


def flat(output: str) -> str:
    """Rich output without panel borders, whitespace collapsed: a wrapped cell reads as one line again."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def evaluations(db: Database, scorecard: str = "standard") -> list[tuple[str, int, bool, float | None]]:
    """(external id, scorecard version, is_current, score) of every evaluation by ``scorecard``."""
    with db.factory() as session:
        rows = session.execute(
            select(
                InteractionRow.external_id,
                ScorecardRow.version,
                EvaluationRow.is_current,
                EvaluationRow.score,
            )
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .join(ScorecardRow, ScorecardRow.id == EvaluationRow.scorecard_id)
            .where(EvaluationRow.scorecard_name == scorecard)
            .order_by(EvaluationRow.id)
        ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def outcomes(db: Database, external_id: str, scorecard: str = "standard") -> dict[str, tuple[str, list[Any]]]:
    """criterion -> (outcome, evidence) of the current evaluation."""
    with db.factory() as session:
        rows = session.execute(
            select(CriterionResultRow.criterion, CriterionResultRow.outcome, CriterionResultRow.evidence)
            .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(
                InteractionRow.external_id == external_id,
                EvaluationRow.scorecard_name == scorecard,
                EvaluationRow.is_current.is_(True),
            )
            .order_by(CriterionResultRow.id)
        ).all()
    return {criterion: (outcome, evidence) for criterion, outcome, evidence in rows}


def turn_texts(db: Database, external_id: str) -> list[str]:
    with db.factory() as session:
        return list(
            session.scalars(
                select(TurnRow.text)
                .join(InteractionRow, InteractionRow.id == TurnRow.interaction_id)
                .where(InteractionRow.external_id == external_id)
                .order_by(TurnRow.seq)
            )
        )


@pytest.mark.db
def test_score_stores_current_evaluations_then_is_up_to_date(cli_env: Database, tmp_path: Path) -> None:
    ingest(tmp_path)
    first = invoke("score")
    assert first.exit_code == 0, first.output
    stored = evaluations(cli_env)
    assert len(stored) == 3
    assert {e for e, version, current, _ in stored if version == 1 and current} == {
        "good-1",
        "bad-2",
        "chat-3",
    }
    scores = [s for *_, s in stored if s is not None]
    assert len(scores) == 3
    summary, insights = first.stdout.strip().splitlines()
    assert summary == f"standard v1: 3 scored, 0 failed; mean score {sum(scores) / 3:.1f}, 1 auto-failed"
    assert insights.startswith("insights rebuilt: 3 interactions, 1 day in")  # the dashboards' facts
    good, bad = outcomes(cli_env, "good-1"), outcomes(cli_env, "bad-2")
    assert list(good) == STANDARD_CRITERIA and list(bad) == STANDARD_CRITERIA
    assert good["greeting"][0] == "pass" and bad["greeting"][0] == "fail"
    assert {e["text"] for e in good["greeting"][1]} >= {"Thank you for calling"}
    # The agent read the card back: stored as a placeholder, found as one, and the evaluation auto-fails.
    assert good["no_card_readback"][0] == "pass" and bad["no_card_readback"][0] == "fail"
    assert [e["text"] for e in bad["no_card_readback"][1]] == ["[CARD_NUMBER]"]
    with cli_env.factory() as session:
        row = session.execute(
            select(EvaluationRow.score, EvaluationRow.auto_failed, EvaluationRow.passed)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(InteractionRow.external_id == "bad-2")
        ).one()
    assert tuple(row) == (0.0, True, False)

    second = invoke("score")
    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == "standard v1: 0 scored, 0 failed (everything is up to date)"
    # --rescore re-scores only what an older scorecard, engine or pipeline evaluated: nothing here.
    again = invoke("score", "--rescore")
    assert again.exit_code == 0, again.output
    assert "0 scored" in again.stdout and "up to date" in again.stdout
    assert evaluations(cli_env) == stored


@pytest.mark.db
def test_custom_scorecard_and_rescore_keep_the_history(cli_env: Database, tmp_path: Path) -> None:
    ingest(tmp_path)
    card = mini(tmp_path)
    first = invoke("score", "--scorecard", str(card))
    assert first.exit_code == 0, first.output
    # good-1 greets and thanks (100), bad-2 neither (0), chat-3 only thanks (50).
    assert first.stdout.splitlines()[0] == "mini v1: 3 scored, 0 failed; mean score 50.0, 0 auto-failed"
    assert evaluations(cli_env, "mini") == [
        ("good-1", 1, True, 100.0),
        ("bad-2", 1, True, 0.0),
        ("chat-3", 1, True, 50.0),
    ]
    assert list(outcomes(cli_env, "chat-3", "mini")) == ["greeting", "thanks"]
    assert evaluations(cli_env, "standard") == []

    mini(tmp_path, thanks_weight=15)  # a changed file is version 2
    unchanged = invoke("score", "--scorecard", str(card))
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.stdout.strip() == "mini v2: 0 scored, 0 failed (everything is up to date)"
    rescored = invoke("score", "--scorecard", str(card), "--rescore")
    assert rescored.exit_code == 0, rescored.output
    assert rescored.stdout.splitlines()[0] == "mini v2: 3 scored, 0 failed; mean score 58.3, 0 auto-failed"
    history = evaluations(cli_env, "mini")
    assert history[:3] == [
        ("good-1", 1, False, 100.0),
        ("bad-2", 1, False, 0.0),
        ("chat-3", 1, False, 50.0),
    ]
    assert history[3:] == [("good-1", 2, True, 100.0), ("bad-2", 2, True, 0.0), ("chat-3", 2, True, 75.0)]
    with cli_env.factory() as session:
        versions = session.scalars(select(ScorecardRow.version).where(ScorecardRow.name == "mini")).all()
    assert sorted(versions) == [1, 2]

    shown = invoke("show", "chat-3", "--format", "json")
    assert shown.exit_code == 0, shown.output
    listed = [
        (e["scorecard_version"], e["is_current"], e["score"]) for e in json.loads(shown.stdout)["evaluations"]
    ]
    assert listed == [(2, True, 75.0), (1, False, 50.0)]  # newest first, the history included


@pytest.mark.db
def test_a_bad_scorecard_is_refused_with_a_coded_error(cli_env: Database, tmp_path: Path) -> None:
    ingest(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.replace("weight: 5", "weight: -1").replace("THANKS_WEIGHT", "5"), encoding="utf-8")
    cases = [
        (str(bad), f"[S101] scorecard {bad}: sections[opening].criteria[greeting].weight: Input should be"),
        (str(tmp_path / "missing.yaml"), f"[S100] scorecard {tmp_path / 'missing.yaml'}: "),
        ("no-such-card", "[S105] scorecard 'no-such-card' not found; built in: standard"),
    ]
    for ref, message in cases:
        result = invoke("score", "--scorecard", ref)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {message}"), result.stderr
    with cli_env.factory() as session:
        assert session.scalars(select(EvaluationRow.id)).all() == []
        assert session.scalars(select(ScorecardRow.name)).all() == []


def test_scorecard_validate_reports_each_file(tmp_path: Path) -> None:
    good = mini(tmp_path)
    weight = mini(tmp_path, thanks_weight=-2, name="weight.yaml")
    detector = tmp_path / "detector.yaml"
    detector.write_text(MINI.replace("type: phrase", "type: phrse", 1).replace("THANKS_WEIGHT", "5"), "utf-8")

    ok = invoke("scorecard", "validate", str(good))
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == f"{good}: ok (mini, 2 criteria)"

    result = invoke("scorecard", "validate", str(weight), str(good), str(detector))
    assert result.exit_code == 1
    assert result.stdout.strip() == f"{good}: ok (mini, 2 criteria)"
    errors = result.stderr.splitlines()
    assert errors[0] == (
        f"{weight}: [S101] scorecard {weight}: sections[closing].criteria[thanks].weight: "
        "Input should be greater than or equal to 0"
    )
    assert errors[1].startswith(
        f"{detector}: [S102] {detector}: opening.greeting.detector: unknown detector 'phrse'; known: "
    )
    assert "phrase" in errors[1] and len(errors) == 2


def test_scorecard_list_and_show() -> None:
    listed = invoke("scorecard", "list")
    assert listed.exit_code == 0, listed.output
    assert re.search(r"^standard +Standard contact-centre QA \(15 criteria\)$", listed.stdout, re.M)
    shown = invoke("scorecard", "show", "standard")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].strip() == "Standard contact-centre QA (standard)"
    assert lines[1].split() == ["section", "criterion", "weight", "critical", "channels", "detector"]
    for c in load_scorecard("standard").criteria:
        # The first line of each row holds every column but the wrapped title.
        (row,) = [line for line in lines if f" {c.spec.id}: " in line]
        assert row.split()[0] == c.section and row.split()[-1] == c.spec.detector["type"]
        assert f" {c.spec.weight:g} " in row and (" yes " in row) is c.spec.critical
        assert ", ".join(c.spec.channels or ["all"]) in row
    (readback,) = [line for line in lines if "no_card_readback:" in line]
    assert re.search(r"compliance +no_card_readback: .* 10 +yes +all +regex", readback)
    missing = invoke("scorecard", "show", "nope")
    assert missing.exit_code == 2 and "[S105]" in missing.stderr


@pytest.mark.db
def test_show_prints_score_outcomes_and_highlighted_evidence(cli_env: Database, tmp_path: Path) -> None:
    ingest(tmp_path)
    assert invoke("score").exit_code == 0
    (evaluation,) = [e for e in evaluations(cli_env) if e[0] == "good-1"]
    result = invoke("show", "good-1")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert f"standard v1: score {evaluation[3]:.0f} (below pass mark)" in text
    # Each evidence turn is followed by the criteria it supports; the text itself is in the transcript.
    assert "Thank you for calling Acme Bank, my name is Anna. ◀ greeting ✓" in text
    assert "This call is recorded for quality. ◀ recording_disclosure ✓" in text
    assert "Is there anything else I can help with? ◀ anything_else ✓" in text
    for criterion, (outcome, _) in outcomes(cli_env, "good-1").items():
        mark = {"pass": "✓", "fail": "✗", "n/a": "–"}[outcome]
        assert re.search(rf"^│? *{criterion}(?: !)? +{mark} {re.escape(outcome)} ", result.stdout, re.M), (
            criterion
        )
    assert "Pass: said “call is recorded” at 0:03" in text
    assert "[CARD_NUMBER]" in text and "redacted before storage: 1 card_number" in text
    assert CARD not in result.stdout and "4111" not in result.stdout

    payload = json.loads(invoke("show", "good-1", "--format", "json").stdout)
    turns = [t["text"] for t in payload["turns"]]
    for criterion in payload["evaluations"][0]["criteria"]:
        for e in criterion["evidence"]:  # the highlighted span is exactly the quoted text
            assert turns[e["turn"]][e["char_start"] : e["char_end"]] == e["text"]

    bad = invoke("show", "bad-2")
    assert bad.exit_code == 0
    assert "score 0 (AUTO-FAIL)" in flat(bad.stdout)
    assert re.search(r"no_card_readback ! +✗ fail", bad.stdout)
    missing = invoke("show", "nope")
    assert missing.exit_code == 1 and "[Q100] interaction nope not found" in missing.stderr


def _records_list(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _records(path: Path) -> dict[str, dict[str, Any]]:
    return {r["external_id"]: r for r in _records_list(path)}


@pytest.mark.db
def test_export_jsonl_has_the_documented_fields(cli_env: Database, tmp_path: Path) -> None:
    ingest(tmp_path)
    assert invoke("score").exit_code == 0
    out = tmp_path / "out.jsonl"
    result = invoke("export", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.strip() == "3 records exported"
    records = _records(out)
    assert list(records) == ["good-1", "bad-2", "chat-3"]
    scores = {e: s for e, _, _, s in evaluations(cli_env)}
    for external_id, r in records.items():
        call = next(c for c in CALLS if c["external_id"] == external_id)
        for key in ("channel", "language", "agent", "team"):
            assert r[key] == call[key], key
        assert r["score"] == scores[external_id] and r["scorecard"] == "standard"
        assert r["auto_failed"] is (external_id == "bad-2")
        stored = outcomes(cli_env, external_id)
        assert [(c["id"], c["outcome"]) for c in r["criteria"]] == [(k, v[0]) for k, v in stored.items()]
        turns = turn_texts(cli_env, external_id)
        for c in r["criteria"]:
            assert set(c) >= {"id", "outcome", "confidence", "evidence"} and 0 <= c["confidence"] <= 1
            for e in c["evidence"]:
                assert set(e) == {"turn", "start_ms", "end_ms", "text"}
                assert e["text"] in turns[e["turn"]]
                assert e["start_ms"] == call["turns"][e["turn"]]["start_ms"]
        customer, agent = r["sentiment"]["customer"], r["sentiment"]["agent"]
        for value in (customer["overall"], customer["start"], customer["end"], agent["overall"]):
            assert -1 <= value <= 1
        assert isinstance(customer["dissatisfaction"], float)  # the customer's turns, net (docs/export.md)
        assert isinstance(r["moments"], list)
        assert all({"kind", "turn", "start_ms", "text"} <= set(m) for m in r["moments"])
        assert r["metrics"]["turns"] == len(call["turns"])
    assert records["good-1"]["metrics"]["duration_s"] == 21.0
    assert "[CARD_NUMBER]" in out.read_text(encoding="utf-8")
    # The card number was redacted before storage: no export shows its digits.
    readback = next(c for c in records["bad-2"]["criteria"] if c["id"] == "no_card_readback")
    assert [e["text"] for e in readback["evidence"]] == ["[CARD_NUMBER]"]
    assert "4111" not in out.read_text(encoding="utf-8")

    stdout = invoke("export")
    assert stdout.exit_code == 0
    assert [json.loads(line) for line in stdout.stdout.splitlines()] == list(records.values())


@pytest.mark.db
def test_export_csv_and_filters(cli_env: Database, tmp_path: Path) -> None:
    ingest(tmp_path)
    assert invoke("score").exit_code == 0
    assert invoke("score", "--scorecard", str(mini(tmp_path))).exit_code == 0
    out = tmp_path / "out.csv"
    result = invoke("export", "--format", "csv", "-o", str(out), "--scorecard", "standard")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "3 records exported"
    text = out.read_text(encoding="utf-8")
    assert "4111" not in text
    rows = {r["external_id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert list(rows) == ["good-1", "bad-2", "chat-3"]
    header = next(csv.reader(io.StringIO(text)))
    assert header[:4] == ["external_id", "source", "channel", "language"]
    assert {f"criterion.{c}" for c in STANDARD_CRITERIA} <= set(header)
    assert {"sentiment.customer_overall", "sentiment.agent_overall", "failed_criteria"} <= set(header)
    assert all(float(r["sentiment.customer_dissatisfaction"]) > -10 for r in rows.values())
    assert "metric.duration_s" in header and "metric.first_response_s" in header  # chat metrics widen
    scores = {e: s for e, _, _, s in evaluations(cli_env)}
    for external_id, row in rows.items():
        assert float(row["score"]) == scores[external_id]
        stored = outcomes(cli_env, external_id)
        assert {c: row[f"criterion.{c}"] for c in stored} == {c: v[0] for c, v in stored.items()}
        failed = [c for c, v in stored.items() if v[0] == "fail"]
        assert row["failed_criteria"] == ";".join(failed)
    assert rows["bad-2"]["auto_failed"] == "true" and rows["good-1"]["auto_failed"] == "false"
    assert rows["chat-3"]["channel"] == "chat" and rows["chat-3"]["metric.duration_s"] == "80.0"

    def exported(*args: str) -> str:
        target = tmp_path / "filtered.jsonl"
        run = invoke("export", "-o", str(target), *args)
        assert run.exit_code == 0, run.output
        return " ".join(f"{r['external_id']}/{r['scorecard']}" for r in _records_list(target))

    everything = "good-1/mini good-1/standard bad-2/mini bad-2/standard chat-3/mini chat-3/standard"
    assert exported() == everything
    assert exported("--agent", "a.kim", "--scorecard", "standard") == "good-1/standard chat-3/standard"
    assert exported("--team", "Team South") == "bad-2/mini bad-2/standard"
    assert exported("--scorecard", "mini", "--team", "Team North") == "good-1/mini chat-3/mini"
    assert exported("--agent", "nobody") == ""


@pytest.mark.db
@pytest.mark.issue(18)
def test_the_time_budget_comes_from_the_config_and_failures_are_kept(
    cli_env: Database, tmp_path: Path
) -> None:
    """A budget no interaction can meet fails each one with S106 and keeps it in score_failures; the next
    run, with the default budget, scores them."""
    ingest(tmp_path)
    config = tmp_path / "callqa.yaml"
    config.write_text("scoring:\n  item_budget_s: 0.000001\n", encoding="utf-8")
    tight = invoke("score", "--config", str(config))
    assert tight.exit_code == 1, tight.output
    assert "standard v1: 0 scored, 3 failed" in tight.stdout
    overran = "[S106] took longer than the per-interaction budget of 1e-06 s"
    assert flat(tight.stderr).count(overran) == 3, tight.stderr
    with cli_env.factory() as session:
        kept = session.scalars(select(ScoreFailureRow.message)).all()
    assert len(kept) == 3 and all(m.startswith("[S106]") for m in kept)
    assert evaluations(cli_env) == []
    again = invoke("score")
    assert again.exit_code == 0, again.output
    assert "3 scored, 0 failed" in again.stdout
