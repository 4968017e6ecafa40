"""The bundled demo data: loads without a single failure, covers every checklist item both ways."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner, Result

from callqa.cli import app
from callqa.db.engine import create_db_engine, session_factory
from callqa.demo import demo_data_dir
from callqa.interactions.models import InteractionRow, RedactionRow, TurnRow
from callqa.reference import CHECKLIST
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow
from callqa.tables import metadata
from support import Database


def manifest() -> list[dict[str, object]]:
    entries = yaml.safe_load((demo_data_dir() / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


def test_manifest_covers_every_checklist_item_with_passing_and_failing_examples() -> None:
    entries = manifest()
    assert 35 <= len(entries) <= 50
    for item in CHECKLIST:
        outcomes = Counter(str(e["expected"][item]) for e in entries)  # type: ignore[index]
        assert outcomes["pass"] > 0 and outcomes["fail"] > 0, f"{item}: {dict(outcomes)}"
    languages = Counter(str(e["language"]) for e in entries)
    assert {"en", "zh-Hans", "zh-Hant", "lt", "fa"} <= set(languages)
    channels = Counter(str(e["channel"]) for e in entries)
    assert {"voice", "chat", "email"} <= set(channels)
    for entry in entries:
        assert (demo_data_dir() / str(entry["file"])).is_file(), entry["file"]


@dataclass
class DemoRuns:
    db: Database
    first: Result
    second: Result


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_runs(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    postgres_engine: Engine | None,
) -> Iterator[DemoRuns]:
    """``callqa demo --no-progress`` twice on an empty database, once per backend (it takes ~10 s).

    The same set-up as the ``cli_env`` fixture, at module scope so that every test here shares one run.
    """
    folder = tmp_path_factory.mktemp("demo")
    if request.param == "sqlite":
        path = folder / "callqa.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        engine = create_db_engine(url)
    else:
        if postgres_engine is None:
            if os.environ.get("CI"):
                pytest.fail("CALLQA_TEST_POSTGRES_URL is not set: the test command must start PostgreSQL")
            pytest.skip("PostgreSQL not configured (CALLQA_TEST_POSTGRES_URL)")
        engine = postgres_engine
        with engine.begin() as connection:
            tables = ", ".join(table.name for table in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        url = engine.url.render_as_string(hide_password=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CALLQA_DATABASE_URL", url)
        patch.setenv("CALLQA_DATA_DIR", str(folder / "data"))
        patch.delenv("CALLQA_CONFIG_FILE", raising=False)
        runner = CliRunner()
        first = runner.invoke(app, ["demo", "--no-progress"])
        second = runner.invoke(app, ["demo", "--no-progress"])
    yield DemoRuns(Database(request.param, url, engine, session_factory(engine)), first, second)
    if request.param == "sqlite":
        engine.dispose()


@pytest.mark.issue(2)
def test_demo_command_loads_everything_and_is_idempotent(demo_runs: DemoRuns) -> None:
    first, second, db = demo_runs.first, demo_runs.second, demo_runs.db
    assert first.exit_code == 0, first.output
    assert " 0 failed" in first.stdout
    entries = manifest()
    with db.factory() as session:
        stored = set(session.scalars(select(InteractionRow.external_id)))
        turns = session.scalar(select(func.count(TurnRow.id))) or 0
        redacted = session.scalars(select(RedactionRow.kind)).all()
        texts = session.scalars(select(TurnRow.text)).all()
    assert {str(e["external_id"]) for e in entries} <= stored
    assert len(stored) == len(entries)
    assert turns > 10 * len(entries)
    assert "card_number" in redacted
    assert not any("4111 1111 1111 1111" in t or "4111111111111111" in t for t in texts)
    assert second.exit_code == 0
    assert "0 created, 0 updated" in second.stdout


@pytest.mark.issue(3)
def test_demo_scores_every_interaction_once_and_prints_a_summary(demo_runs: DemoRuns) -> None:
    first, second, db = demo_runs.first, demo_runs.second, demo_runs.db
    assert first.exit_code == 0, first.output
    entries = manifest()
    criteria = [c.spec.id for c in load_scorecard("standard").criteria]
    with db.factory() as session:
        rows = session.execute(
            select(
                InteractionRow.external_id,
                EvaluationRow.id,
                EvaluationRow.score,
                EvaluationRow.ai_score,
                EvaluationRow.passed,
            )
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(EvaluationRow.scorecard_name == "standard", EvaluationRow.is_current.is_(True))
        ).all()
        every = session.scalar(select(func.count(EvaluationRow.id))) or 0
        versions = session.scalars(select(ScorecardRow.version).where(ScorecardRow.name == "standard")).all()
        results = session.execute(
            select(CriterionResultRow.evaluation_id, CriterionResultRow.criterion).order_by(
                CriterionResultRow.id
            )
        ).all()
    # One current evaluation per manifest entry; the second run added none and made no new version.
    assert sorted(r.external_id for r in rows) == sorted(str(e["external_id"]) for e in entries)
    assert every == len(entries) and list(versions) == [1]
    by_evaluation: dict[int, list[str]] = {}
    for evaluation_id, criterion in results:
        by_evaluation.setdefault(evaluation_id, []).append(criterion)
    assert all(by_evaluation[r.id] == criteria for r in rows)

    scores = [r.score for r in rows if r.score is not None]
    mean = sum(scores) / len(scores)  # official: the demo analyst's reviews are stored after scoring
    ai_scores = [r.ai_score for r in rows if r.ai_score is not None]
    ai_mean = sum(ai_scores) / len(ai_scores)
    out = first.stdout
    assert re.search(
        rf"^standard v1: {len(entries)} scored, 0 failed; mean score {ai_mean:.1f}, \d+ auto-failed$",
        out,
        re.M,
    )
    assert "9 demo reviews by the QA analyst stored" in out
    # The summary: one row per evaluation under its header, then the criteria table with its totals.
    assert re.search(r"^interaction +channel +lang +agent +score +criteria +moments *$", out, re.M)
    passed = sum(r.passed for r in rows)
    assert f"{len(entries)} evaluations, mean score {mean:.1f}, {passed} passed, " in out
    assert re.search(r"^criterion +pass +fail +n/a +fail rate *$", out, re.M)
    assert re.search(r"^No card data read back +\d+ +\d+ +\d+ +\d+% *$", out, re.M)
    assert "AUTO-FAIL" in out and "Next: callqa show ID" in out

    assert second.exit_code == 0, second.output
    assert "standard v1: 0 scored, 0 failed (everything is up to date)" in second.stdout
    assert f"{len(entries)} evaluations, mean score {mean:.1f}, {passed} passed, " in second.stdout
