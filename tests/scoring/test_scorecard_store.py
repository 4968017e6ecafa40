"""The scorecard store: a version saved in the editor is what scoring uses next, in the CLI too."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.interactions.models import InteractionRow
from callqa.scoring import editing
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import EvaluationRow, ScorecardRow
from callqa.scoring.store import ScorecardStore
from support import Database

pytestmark = [pytest.mark.issue(16), pytest.mark.db]

BUILT_IN = load_scorecard("standard").source_text
RENAMED = re.sub(r"^title: .*$", "title: Standard QA (edited)", BUILT_IN, count=1, flags=re.M)


def save_in_editor(db: Database, text: str) -> int:
    card, errors = editing.check(text)
    assert card is not None, errors
    with db.factory.begin() as session:
        return editing.save(session, card).version


def test_a_name_means_the_built_in_until_the_editor_saves_a_version(db: Database) -> None:
    store = ScorecardStore(db.factory)
    first = store.current("standard")
    assert first.origin == "builtin" and first.source_text == BUILT_IN
    assert store.current() is first  # the default name, parsed once

    assert save_in_editor(db, RENAMED) == 1  # the first stored version of this name
    edited = store.current("standard")
    assert edited.origin == "editor" and edited.spec.title == "Standard QA (edited)"
    assert store.current("standard") is edited

    again = RENAMED.replace("Standard QA (edited)", "Standard QA (edited twice)")
    assert save_in_editor(db, again) == 2
    assert store.current("standard").spec.title == "Standard QA (edited twice)"


def test_a_stored_built_in_version_does_not_shadow_the_shipped_one(db: Database) -> None:
    """Scoring registers the built-in it used; an unedited name keeps following callqa's releases."""
    with db.factory.begin() as session:
        session.add(
            ScorecardRow(
                name="standard",
                version=1,
                title="Standard (an older release)",
                content_hash="0" * 64,
                source=BUILT_IN.replace("title:", "# older\ntitle:", 1),
                created_at=datetime.now(UTC),
                origin="builtin",
            )
        )
    assert ScorecardStore(db.factory).current("standard").source_text == BUILT_IN


def test_a_path_is_the_file_as_it_is_now(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(RENAMED.replace("name: standard", "name: mine", 1), encoding="utf-8")
    store = ScorecardStore(db.factory)
    assert store.current(str(path)).name == "mine" and store.current(str(path)).origin == "file"
    path.write_text(
        path.read_text(encoding="utf-8").replace("(edited)", "(edited on disk)"), encoding="utf-8"
    )
    assert store.current(str(path)).spec.title == "Standard QA (edited on disk)"


def test_callqa_score_rescore_applies_the_editor_version(cli_env: Database, tmp_path: Path) -> None:
    runner = CliRunner()
    calls = tmp_path / "calls.jsonl"
    turns = [
        {"role": "agent", "text": "Thank you for calling Acme Bank, my name is Anna.", "start_ms": 0},
        {"role": "customer", "text": "Hi, I need help with my card.", "start_ms": 4000},
    ]
    rows = [dict(external_id=f"call-{i}", channel="voice", language="en", turns=turns) for i in range(3)]
    calls.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(calls), "--no-progress"]).exit_code == 0
    first = runner.invoke(app, ["score"])
    assert first.exit_code == 0, first.output

    version = save_in_editor(cli_env, RENAMED)
    rescored = runner.invoke(app, ["score", "--rescore"])
    assert rescored.exit_code == 0, rescored.output
    with cli_env.factory() as session:
        current = session.execute(
            select(InteractionRow.external_id, ScorecardRow.version, ScorecardRow.origin)
            .join(EvaluationRow, EvaluationRow.interaction_id == InteractionRow.id)
            .join(ScorecardRow, ScorecardRow.id == EvaluationRow.scorecard_id)
            .where(EvaluationRow.is_current.is_(True))
            .order_by(InteractionRow.external_id)
        ).all()
    assert [tuple(r) for r in current] == [(f"call-{i}", version, "editor") for i in range(3)]
