"""The routing export schemas are not vacuous: a valid export, changed in one place to what Amazon Connect or
Genesys Cloud would refuse, no longer validates."""

from __future__ import annotations

import copy
import csv
import io
import json
import tomllib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_schemas import SCHEMA_FILES, schema
from callqa.skills.exports import FORMATS, export

pytestmark = pytest.mark.issue(21)

CENTRE = [
    SkillAssignment("ana", "reason:card_lost", 5, "cards", 1, "id-ana"),
    SkillAssignment("ana", "language:zh", 4, None, None, "id-ana"),
    SkillAssignment("ana", "channel:chat", 3, None, None, "id-ana"),
    SkillAssignment("bob", "reason:掛失", 2, "cards", 2, None),
]

Change = Callable[[dict[str, Any]], None]


def valid(fmt: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(export(fmt, CENTRE).body)
    Draft202012Validator(schema(fmt)).validate(loaded)
    return loaded


def refused(fmt: str, change: Change) -> bool:
    doc = copy.deepcopy(valid(fmt))
    change(doc)
    return not Draft202012Validator(schema(fmt)).is_valid(doc)


def connect_level(level: object) -> Change:
    return lambda d: d["users"][0]["UserProficiencies"][0].update(Level=level)


def connect_queue(**fields: object) -> Change:
    return lambda d: d["routingProfiles"][0]["QueueConfigs"][0].update(fields)


def connect_channel(channel: str) -> Change:
    return lambda d: d["routingProfiles"][0]["QueueConfigs"][0]["QueueReference"].update(Channel=channel)


CONNECT_REFUSED: dict[str, Change] = {
    "level 0": connect_level(0.0),
    "level 6": connect_level(6.0),
    "level 2.5": connect_level(2.5),
    "level as text": connect_level("5"),
    "channel SMS": connect_channel("SMS"),
    "channel in lower case": connect_channel("voice"),
    "priority 0": connect_queue(Priority=0),
    "priority 100": connect_queue(Priority=100),
    "delay 10000": connect_queue(Delay=10000),
    "attribute value of 65 characters": lambda d: d["users"][0]["UserProficiencies"][0].update(
        AttributeValue="x" * 65
    ),
    "empty attribute value": lambda d: d["users"][0]["UserProficiencies"][0].update(AttributeValue=""),
    "unknown attribute name": lambda d: d["users"][0]["UserProficiencies"][0].update(AttributeName="Team"),
    "501 values of an attribute": lambda d: d["predefinedAttributes"][0]["Values"].update(
        StringList=[f"v{i}" for i in range(501)]
    ),
    "profile name of 128 characters": lambda d: d["routingProfiles"][0].update(Name="n" * 128),
    "profile description of 251 characters": lambda d: d["routingProfiles"][0].update(Description="d" * 251),
    "user without proficiencies": lambda d: d["users"][0].update(UserProficiencies=[]),
    "a field the API does not have": lambda d: d["users"][0].update(Email="ana@example.com"),
    "no unmapped agents list": lambda d: d.pop("unmappedAgents"),
}


@pytest.mark.parametrize("case", sorted(CONNECT_REFUSED))
def test_amazon_connect_schema_refuses(case: str) -> None:
    assert refused("amazon-connect", CONNECT_REFUSED[case])


def genesys_skill(proficiency: object) -> Change:
    return lambda d: d["users"][0]["routingSkills"][0].update(proficiency=proficiency)


def genesys_language(proficiency: object) -> Change:
    return lambda d: d["users"][0]["routingLanguages"][0].update(proficiency=proficiency)


GENESYS_REFUSED: dict[str, Change] = {
    "skill proficiency 5.5": genesys_skill(5.5),
    "skill proficiency -1": genesys_skill(-1),
    "language proficiency 6": genesys_language(6),
    "language proficiency 2.5": genesys_language(2.5),
    "51 languages": lambda d: d["users"][0].update(
        routingLanguages=[{"name": f"l{i}", "proficiency": 3} for i in range(51)]
    ),
    "empty skill name": lambda d: d["users"][0]["routingSkills"][0].update(name=""),
    "skill name of 256 characters": lambda d: d["users"][0]["routingSkills"][0].update(name="x" * 256),
    "skill to create without a name": lambda d: d["skills"].append({}),
    "a field the API does not have": lambda d: d["users"][0].update(email="ana@example.com"),
}


@pytest.mark.parametrize("case", sorted(GENESYS_REFUSED))
def test_genesys_schema_refuses(case: str) -> None:
    assert refused("genesys", GENESYS_REFUSED[case])


def test_genesys_schema_takes_proficiency_zero() -> None:
    """0 is a skill held without proficiency: Genesys takes it, callqa never sends it."""
    assert not refused("genesys", genesys_skill(0.0))


@pytest.mark.parametrize(
    ("column", "value"),
    [("level", "6"), ("level", "4.5"), ("skill", "card_lost"), ("rank", "0"), ("agent", "")],
)
def test_csv_row_schema_refuses(column: str, value: str) -> None:
    rows = list(csv.DictReader(io.StringIO(export("csv", CENTRE).body)))
    validator = Draft202012Validator(schema("csv"))
    assert all(validator.is_valid(row) for row in rows)
    assert not validator.is_valid({**rows[0], column: value})


def schema_fields(node: object) -> set[str]:
    """Every property name a schema defines, at any depth."""
    if isinstance(node, dict):
        own = set(node.get("properties", {}))
        return own | {name for value in node.values() for name in schema_fields(value)}
    if isinstance(node, list):
        return {name for value in node for name in schema_fields(value)}
    return set()


def test_every_format_and_field_is_documented() -> None:
    """The operations docs (docs/operations*.md) name every format and every field of its schema."""
    docs = Path(__file__).parents[2] / "docs"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(docs.glob("operations*.md")))
    for fmt in FORMATS:
        assert f"`{fmt}`" in text
        missing = sorted(name for name in schema_fields(schema(fmt)) if f"`{name}`" not in text)
        assert not missing, f"{fmt}: fields not in docs/operations*.md: {missing}"


def test_the_schemas_are_package_data() -> None:
    """A wheel ships the schemas: pyproject's package-data takes every file in skills/schemas."""
    root = Path(__file__).parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = root / "src" / "callqa"
    files = sorted((shipped / "skills" / "schemas").iterdir())
    assert [f.name for f in files] == sorted(SCHEMA_FILES.values())
    for f in files:
        relative = f.relative_to(shipped).as_posix()
        assert any(PurePosixPath(relative).match(pattern) for pattern in package_data["callqa"]), relative
