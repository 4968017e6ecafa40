"""The bundled demo data: loads without a single failure, covers every checklist item both ways."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.demo import demo_data_dir
from callqa.interactions.models import InteractionRow, RedactionRow, TurnRow
from callqa.reference import CHECKLIST
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


@pytest.mark.issue(2)
def test_demo_command_loads_everything_and_is_idempotent(cli_env: Database) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--no-progress"])
    assert first.exit_code == 0, first.output
    assert " 0 failed" in first.stdout
    entries = manifest()
    with cli_env.factory() as session:
        stored = set(session.scalars(select(InteractionRow.external_id)))
        turns = session.scalar(select(func.count(TurnRow.id))) or 0
        redacted = session.scalars(select(RedactionRow.kind)).all()
        texts = session.scalars(select(TurnRow.text)).all()
    assert {str(e["external_id"]) for e in entries} <= stored
    assert len(stored) == len(entries)
    assert turns > 10 * len(entries)
    assert "card_number" in redacted
    assert not any("4111 1111 1111 1111" in t or "4111111111111111" in t for t in texts)
    second = runner.invoke(app, ["demo", "--no-progress"])
    assert second.exit_code == 0
    assert "0 created, 0 updated" in second.stdout
