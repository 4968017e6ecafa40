"""The runtime seam: one configuration tree (settings + the YAML file they name) builds everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.runtime import Runtime
from callqa.web.app import create_app
from support import Database

pytestmark = [pytest.mark.issue(16), pytest.mark.db]

CONFIG = """
analysis:
  pipeline: [callqa.redact.v1, callqa.language.v1, callqa.metrics.v1]
scoring:
  scorecard: {card}
  vocabulary:
    company: [Zeta Bank]
"""
CARD = """
name: mine
title: Mine
sections:
  - id: opening
    title: Opening
    criteria:
      - id: greeting
        title: Greets with the company's name
        detector: {type: phrase, phrases: ["{company}"]}
"""


def settings_for(db: Database, tmp_path: Path, config: Path | None) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("r" * 40), config_file=config
    )


def test_the_configuration_file_reaches_scoring_the_pipeline_and_the_web_app(
    db: Database, tmp_path: Path
) -> None:
    card = tmp_path / "mine.yaml"
    card.write_text(CARD, encoding="utf-8")
    config = tmp_path / "callqa.yaml"
    config.write_text(CONFIG.format(card=card), encoding="utf-8")
    with Runtime.open(settings_for(db, tmp_path, config), engine=db.engine) as runtime:
        current = runtime.scorecards.current()
        assert current.name == "mine"
        assert current.criteria[0].spec.detector["phrases"] == ["Zeta Bank"]  # the file's vocabulary
        assert runtime.pipeline.version == "callqa.redact.v1+callqa.language.v1+callqa.metrics.v1"
        assert runtime.services is runtime.services  # built once, shared
    app = create_app(settings_for(db, tmp_path, config), engine=db.engine)
    assert app.state.runtime.scorecards.current().name == "mine"  # the web app reads the same file


def test_a_bad_configuration_file_is_a_coded_error_before_anything_opens(
    db: Database, tmp_path: Path
) -> None:
    config = tmp_path / "callqa.yaml"
    config.write_text("scoring: {batch_size: -1}\n", encoding="utf-8")
    with pytest.raises(CallqaError) as caught:
        Runtime.open(settings_for(db, tmp_path, config))
    assert (
        "[C100]" in str(caught.value)
        and "batch_size" in str(caught.value)
        and str(config) in str(caught.value)
    )
