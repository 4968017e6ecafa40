"""Documentation that cannot drift: generated references are current, every format and code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest

from callqa.core.document import interaction_json_schema
from callqa.core.errors import ErrorCode
from callqa.ingest.formats.registry import default_registry
from callqa.reference import generated_files

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.mark.parametrize("path", sorted(generated_files(DOCS)), ids=lambda p: p.name)
def test_generated_reference_is_current(path: Path) -> None:
    expected = generated_files(DOCS)[path]
    assert path.read_text(encoding="utf-8") == expected, (
        f"run: python -m callqa.reference  ({path.name} is stale)"
    )


def test_every_format_is_documented_with_an_example() -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for name in default_registry().names():
        assert f"`{name}`" in text, f"format {name} missing from docs/formats.md"
    assert text.count("```") >= 2 * 6


def test_every_error_code_is_used_somewhere() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src/callqa").rglob("*.py"))
    unused = [code.name for code in ErrorCode if not re.search(rf"ErrorCode\.{code.name}\b", source)]
    assert unused == []


def test_the_published_schema_accepts_the_documented_example() -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(\{\"external_id\": \"call-0001\".*?)\n```", text, re.S)
    assert example is not None
    import json

    jsonschema.validate(json.loads(example.group(1)), interaction_json_schema())


def test_readme_holds_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/demo.sh" in readme and "bash scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci/run").read_text(encoding="utf-8")
