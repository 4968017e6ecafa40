"""Routing exports for Amazon Connect and Genesys Cloud (and the generic CSV): what each document holds, that
it validates against the schema shipped with callqa, and the coded errors for what no routing system takes."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_schemas import SCHEMA_FILES, schema
from callqa.skills.exports import FORMATS, export

pytestmark = pytest.mark.issue(21)

JSON_FORMATS = ("amazon-connect", "genesys")


def assignment(
    agent: str,
    skill: str,
    level: int,
    queue: str | None = None,
    rank: int | None = None,
    ext: str | None = None,
) -> SkillAssignment:
    return SkillAssignment(agent=agent, skill=skill, level=level, queue=queue, rank=rank, external_id=ext)


# A small centre: Chinese contact reasons, a Persian agent name, an agent with no id in the routing system.
CENTRE = [
    assignment("ana", "reason:card_lost", 5, "cards", 1, "0f7c-ana"),
    assignment("ana", "reason:掛失", 4, "cards", 1, "0f7c-ana"),
    assignment("ana", "language:zh", 5, ext="0f7c-ana"),
    assignment("ana", "channel:chat", 3, ext="0f7c-ana"),
    assignment("رضا", "reason:card_lost", 3, "cards", 2, "9a1e-reza"),
    assignment("رضا", "reason:帳單", 2, "billing", 1, "9a1e-reza"),
    assignment("رضا", "language:fa", 5, ext="9a1e-reza"),
    assignment("bob", "reason:card_lost", 2, "cards", 3),
    assignment("bob", "language:zh", 4),
]


def document(fmt: str, assignments: list[SkillAssignment], **options: Any) -> dict[str, Any]:
    exported = export(fmt, assignments, **options)
    assert exported.media_type == "application/json"
    loaded: dict[str, Any] = json.loads(exported.body)
    Draft202012Validator(schema(fmt)).validate(loaded)
    return loaded


def csv_rows(assignments: list[SkillAssignment], **options: Any) -> list[dict[str, str]]:
    exported = export("csv", assignments, **options)
    rows = list(csv.DictReader(io.StringIO(exported.body)))
    validator = Draft202012Validator(schema("csv"))
    for row in rows:
        validator.validate(row)
    return rows


def test_every_format_has_a_valid_schema_shipped_in_the_package() -> None:
    assert set(SCHEMA_FILES) == set(FORMATS)
    for fmt in FORMATS:
        Draft202012Validator.check_schema(schema(fmt))
        assert schema(fmt)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_amazon_connect_document() -> None:
    doc = document("amazon-connect", CENTRE)
    attributes = {a["Name"]: a["Values"]["StringList"] for a in doc["predefinedAttributes"]}
    assert attributes == {
        "Channel": ["chat"],
        "ContactReason": ["card_lost", "帳單", "掛失"],
        "Language": ["fa", "zh"],
    }
    users = {u["UserId"]: u["UserProficiencies"] for u in doc["users"]}
    assert list(users) == ["0f7c-ana", "9a1e-reza"]  # bob has no Connect id
    assert users["0f7c-ana"] == [
        {"AttributeName": "Channel", "AttributeValue": "chat", "Level": 3.0},
        {"AttributeName": "ContactReason", "AttributeValue": "card_lost", "Level": 5.0},
        {"AttributeName": "ContactReason", "AttributeValue": "掛失", "Level": 4.0},
        {"AttributeName": "Language", "AttributeValue": "zh", "Level": 5.0},
    ]
    assert doc["unmappedAgents"] == ["bob"]
    profiles = {tuple(p["UserIds"]): p for p in doc["routingProfiles"]}
    # ana: cards at her best level there (5) → priority 1, on the chat channel she is rated for
    assert profiles[("0f7c-ana",)]["QueueConfigs"] == [
        {"QueueReference": {"QueueId": "cards", "Channel": "CHAT"}, "Priority": 1, "Delay": 0}
    ]
    # reza: no channel skill → voice; cards at 3 → priority 3, billing at 2 → priority 4
    assert profiles[("9a1e-reza",)]["QueueConfigs"] == [
        {"QueueReference": {"QueueId": "cards", "Channel": "VOICE"}, "Priority": 3, "Delay": 0},
        {"QueueReference": {"QueueId": "billing", "Channel": "VOICE"}, "Priority": 4, "Delay": 0},
    ]
    assert profiles[("9a1e-reza",)]["Name"].endswith(": billing, cards")


def test_agents_with_the_same_queues_share_one_routing_profile() -> None:
    same = [assignment(f"agent{i}", "reason:card_lost", 4, "cards", i + 1, f"id-{i}") for i in range(3)]
    doc = document("amazon-connect", [*same, assignment("top", "reason:card_lost", 5, "cards", 4, "id-top")])
    assert sorted(p["UserIds"] for p in doc["routingProfiles"]) == [["id-0", "id-1", "id-2"], ["id-top"]]


def test_genesys_document() -> None:
    doc = document("genesys", CENTRE)
    assert doc["skills"] == [
        {"name": "channel:chat"},
        {"name": "reason:card_lost"},
        {"name": "reason:帳單"},
        {"name": "reason:掛失"},
    ]
    assert doc["languages"] == [{"name": "fa"}, {"name": "zh"}]
    assert doc["users"] == [
        {
            "userId": "0f7c-ana",
            "routingSkills": [
                {"name": "channel:chat", "proficiency": 3.0},
                {"name": "reason:card_lost", "proficiency": 5.0},
                {"name": "reason:掛失", "proficiency": 4.0},
            ],
            "routingLanguages": [{"name": "zh", "proficiency": 5}],
        },
        {
            "userId": "9a1e-reza",
            "routingSkills": [
                {"name": "reason:card_lost", "proficiency": 3.0},
                {"name": "reason:帳單", "proficiency": 2.0},
            ],
            "routingLanguages": [{"name": "fa", "proficiency": 5}],
        },
    ]
    assert doc["unmappedAgents"] == ["bob"]


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_a_skill_recommended_for_several_queues_keeps_its_highest_level(fmt: str) -> None:
    doc = document(
        fmt,
        [
            assignment("ana", "reason:card_lost", 3, "cards", 2, "id-ana"),
            assignment("ana", "reason:card_lost", 5, "vip", 1, "id-ana"),
        ],
    )
    levels = json.dumps(doc["users"])
    assert "5.0" in levels
    assert "3.0" not in levels


KEYS = {
    *("format", "version", "predefinedAttributes", "users", "routingProfiles", "unmappedAgents"),
    "unmappedQueues",
    *("Name", "Values", "StringList", "UserId", "UserProficiencies", "AttributeName", "AttributeValue"),
    *("Level", "Description", "QueueConfigs", "QueueReference", "QueueId", "Channel", "Priority", "Delay"),
    *("UserIds", "skills", "languages", "userId", "routingSkills", "routingLanguages", "name", "proficiency"),
}


def fields(value: object, key: str = "") -> list[tuple[str, object]]:
    """Every (field name, scalar value) pair in a JSON document."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in fields(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in fields(v, key)]
    return [(key, value)]


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_exports_carry_only_ids_skills_and_levels(fmt: str) -> None:
    """Mapped agents appear by their routing-system id only; every text in the document is a given id, skill
    or queue, or a fixed name of the format."""
    doc = document(fmt, CENTRE)
    names = {a.agent for a in CENTRE if a.external_id}
    given = {a.external_id for a in CENTRE if a.external_id} | {"bob"}
    given |= {a.skill for a in CENTRE} | {a.skill.partition(":")[2] for a in CENTRE}
    given |= {a.queue for a in CENTRE if a.queue}
    fixed = {fmt, "ContactReason", "Language", "Channel", "VOICE", "CHAT"}
    for key, value in fields(doc):
        assert key in KEYS
        if (
            key in ("Name", "Description")
            and isinstance(value, str)
            and value.startswith(("callqa ", "Recomm"))
        ):
            assert not any(name in value for name in names)  # routing profiles: queues and channels only
        elif isinstance(value, str):
            assert value in given | fixed, (key, value)
        else:
            assert isinstance(value, int | float) and 0 <= value <= 6, (key, value)


@pytest.mark.parametrize("fmt", [*JSON_FORMATS, "csv"])
def test_many_agents_validate_and_the_export_is_deterministic(fmt: str) -> None:
    reasons = [f"reason_{i:02d}" for i in range(40)] + ["掛失", "退款"]
    many = [
        assignment(
            f"agent{a:03d}",
            f"reason:{r}",
            1 + (a * 7 + i) % 5,
            f"q{i % 6}",
            1 + a % 9,
            f"u-{a:03d}" if a % 10 else None,
        )
        for a in range(300)
        for i, r in enumerate(reasons)
        if (a + i) % 3 == 0
    ]
    many += [
        assignment(f"agent{a:03d}", "language:zh", 4, ext=f"u-{a:03d}" if a % 10 else None)
        for a in range(300)
    ]
    first = export(fmt, many)
    shuffled = list(many)
    random.Random(21).shuffle(shuffled)
    assert export(fmt, shuffled).body == first.body
    if fmt == "csv":
        assert len(csv_rows(many)) == len(many)
    else:
        doc = document(fmt, many)
        assert len(doc["users"]) == 270
        assert len(doc["unmappedAgents"]) == 30


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_empty_assignments_give_an_empty_valid_document(fmt: str) -> None:
    doc = document(fmt, [])
    assert doc["users"] == [] and doc["unmappedAgents"] == []


def test_empty_csv_is_the_header() -> None:
    assert export("csv", []).body.splitlines() == ["agent,external_id,skill,level,queue,rank"]


def test_csv_is_sorted_by_queue_and_rank_and_validates() -> None:
    rows = csv_rows(CENTRE)
    assert [(r["queue"], r["rank"], r["agent"]) for r in rows][:5] == [
        ("billing", "1", "رضا"),
        ("cards", "1", "ana"),
        ("cards", "1", "ana"),
        ("cards", "2", "رضا"),
        ("cards", "3", "bob"),
    ]
    assert all(r["queue"] == "" for r in rows[5:])


@pytest.mark.parametrize("fmt", [*JSON_FORMATS, "csv"])
def test_min_level_leaves_out_lower_levels(fmt: str) -> None:
    body = export(fmt, CENTRE, min_level=4).body
    assert "card_lost" in body  # ana's 5
    assert "帳單" not in body  # reza's only level 2
    if fmt != "csv":
        doc = document(fmt, CENTRE, min_level=4)
        assert doc["unmappedAgents"] == ["bob"]  # bob keeps language:zh at 4


@pytest.mark.parametrize("bad", [0, 6, "4", True, 2.5])
def test_a_bad_min_level_is_refused(bad: object) -> None:
    with pytest.raises(CallqaError) as caught:
        export("csv", CENTRE, min_level=bad)  # type: ignore[arg-type]
    assert caught.value.code is ErrorCode.O143


@pytest.mark.parametrize("fmt", [*JSON_FORMATS, "csv"])
@pytest.mark.parametrize("level", [0, 6, -1, True])
def test_a_level_outside_one_to_five_is_refused(fmt: str, level: int) -> None:
    bad = assignment("ana", "reason:card_lost", level, ext="id-ana")
    with pytest.raises(CallqaError) as caught:
        export(fmt, [*CENTRE, bad])
    assert caught.value.code is ErrorCode.O142
    assert "'ana'" in str(caught.value) and "reason:card_lost" in str(caught.value)


@pytest.mark.parametrize(
    ("skill", "cause"),
    [("card_lost", "no kind"), ("team:blue", "unknown kind 'team'"), ("reason:", "nothing after 'reason:'")],
)
def test_a_skill_name_no_routing_system_takes_is_refused(skill: str, cause: str) -> None:
    with pytest.raises(CallqaError) as caught:
        export("genesys", [assignment("ana", skill, 3, ext="id-ana")])
    assert caught.value.code is ErrorCode.O141
    assert cause in str(caught.value) and "'ana'" in str(caught.value)


def test_two_external_ids_for_one_agent_are_refused() -> None:
    two = [assignment("ana", "reason:a", 3, ext="id-1"), assignment("ana", "reason:b", 3, ext="id-2")]
    with pytest.raises(CallqaError) as caught:
        export("amazon-connect", two)
    assert caught.value.code is ErrorCode.O144
    assert "'id-1' and 'id-2'" in str(caught.value)


def test_one_external_id_for_two_agents_is_refused() -> None:
    shared = [assignment("ana", "reason:a", 3, ext="id-1"), assignment("bob", "reason:a", 3, ext="id-1")]
    with pytest.raises(CallqaError) as caught:
        export("genesys", shared)
    assert caught.value.code is ErrorCode.O146
    assert "'ana' and 'bob'" in str(caught.value)


def test_a_blank_external_id_is_no_id() -> None:
    doc = document("genesys", [assignment("ana", "reason:a", 3, ext="  ")])
    assert doc["users"] == [] and doc["unmappedAgents"] == ["ana"]


def test_a_value_longer_than_connect_takes_is_refused_but_genesys_takes_it() -> None:
    long_reason = [assignment("ana", "reason:" + "退" * 65, 3, ext="id-ana")]
    with pytest.raises(CallqaError) as caught:
        export("amazon-connect", long_reason)
    assert caught.value.code is ErrorCode.O141
    assert "65 characters" in str(caught.value)
    assert document("genesys", long_reason)["skills"] == [{"name": "reason:" + "退" * 65}]
    assert (
        len(document("amazon-connect", [assignment("ana", "reason:" + "退" * 64, 3, ext="id-ana")])["users"])
        == 1
    )


def test_more_attribute_values_than_connect_takes_are_refused() -> None:
    reasons = [assignment(f"agent{i}", f"reason:r{i}", 3, ext=f"id-{i}") for i in range(501)]
    with pytest.raises(CallqaError) as caught:
        export("amazon-connect", reasons)
    assert caught.value.code is ErrorCode.O145
    assert "ContactReason" in str(caught.value) and "501" in str(caught.value)
    document("amazon-connect", reasons[:500])


def test_more_languages_than_genesys_takes_are_refused() -> None:
    languages = [assignment("ana", f"language:l{i:02d}", 3, ext="id-ana") for i in range(51)]
    with pytest.raises(CallqaError) as caught:
        export("genesys", languages)
    assert caught.value.code is ErrorCode.O145
    assert "'ana'" in str(caught.value)
    document("genesys", languages[:50])


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(CallqaError) as caught:
        export("avaya", CENTRE)
    assert caught.value.code is ErrorCode.O140
    assert "amazon-connect, csv, genesys" in str(caught.value)


def test_external_ids_fill_the_ids_assignments_lack() -> None:
    doc = document("genesys", CENTRE, external_ids={"bob": "77b0-bob", "ana": "ignored"})
    assert [u["userId"] for u in doc["users"]] == ["0f7c-ana", "77b0-bob", "9a1e-reza"]
    assert doc["unmappedAgents"] == []
    rows = csv_rows(CENTRE, external_ids={"bob": "77b0-bob"})
    assert {r["external_id"] for r in rows if r["agent"] == "bob"} == {"77b0-bob"}


def test_an_external_id_mapping_that_contradicts_an_assignment_is_refused() -> None:
    partial = [*CENTRE, assignment("ana", "reason:退款", 3)]  # no id on this one: the mapping fills it
    with pytest.raises(CallqaError) as caught:
        export("amazon-connect", partial, external_ids={"ana": "other-id"})
    assert caught.value.code is ErrorCode.O144
