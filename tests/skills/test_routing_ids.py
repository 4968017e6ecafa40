"""Routing-system ids (callqa.skills.routing_ids_service) on SQLite and PostgreSQL: ids checked by each
system's shape, stored, replaced, deleted, loaded from CSV (bad rows reported, the rest loaded), and the
exports filled from them still valid against the shipped schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from callqa.core.errors import CallqaError, ErrorCode
from callqa.skills import routing_ids_service as ids
from callqa.skills.assignments import SkillAssignment
from callqa.skills.export_schemas import schema
from callqa.skills.exports import export
from callqa.skills.models import RoutingIdRow
from callqa.skills.routing_ids import RoutingId
from support import Database

pytestmark = [pytest.mark.issue(21), pytest.mark.db]

ANA = "0f7c1a2b-0000-4000-8000-00000000a001"
REZA = "9a1e0000-0000-4000-8000-00000000b002"
CARDS = "c4rd5000-0000-4000-8000-00000000c003".replace("r", "a")  # a UUID: hex only
ACCOUNT = "arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-4333-8444-555555555555"


def refused(code: ErrorCode, call: Callable[..., object], *args: object, **kwargs: object) -> str:
    with pytest.raises(CallqaError) as caught:
        call(*args, **kwargs)
    assert caught.value.code is code, str(caught.value)
    return str(caught.value)


def test_set_list_replace_delete(db: Database) -> None:
    with db.factory.begin() as session:
        ids.set_id(session, "connect", "user", "ana", ANA)
        ids.set_id(session, "Connect", " queue ", "cards", f"{ACCOUNT}/queue/{CARDS.upper()}")
        ids.set_id(session, "genesys", "reason", "card_lost", "Lost cards")
        ids.set_id(session, "genesys", "user", "ana", REZA)  # another system: its own ids
    with db.factory.begin() as session:
        assert ids.list_ids(session, system="connect") == [
            RoutingId("connect", "queue", "cards", f"{ACCOUNT}/queue/{CARDS.upper()}"),  # stored as given
            RoutingId("connect", "user", "ana", ANA),
        ]
        connect = ids.ids_for(session, "connect")
        assert dict(connect.users) == {"ana": ANA} and dict(connect.queues) == {
            "cards": CARDS
        }  # the ARN's id
        assert dict(ids.ids_for(session, "genesys").reasons) == {"card_lost": "Lost cards"}
        ids.set_id(session, "connect", "user", "ana", REZA)  # replaced, not added
    with db.factory.begin() as session:
        assert dict(ids.ids_for(session, "connect").users) == {"ana": REZA}
        assert ids.delete_id(session, "connect", "user", "ana") == RoutingId("connect", "user", "ana", REZA)
        message = refused(ErrorCode.O149, ids.delete_id, session, "connect", "user", "ana")
        assert "ana" in message and "connect" in message
    with db.factory() as session:
        assert session.scalar(select(func.count()).select_from(RoutingIdRow)) == 3
        assert [i.callqa_name for i in ids.list_ids(session)] == ["cards", "card_lost", "ana"]


def test_each_system_checks_its_ids(db: Database) -> None:
    with db.factory.begin() as session:
        message = refused(ErrorCode.O134, ids.set_id, session, "avaya", "user", "ana", ANA)
        assert "avaya" in message and "connect, genesys" in message
        message = refused(ErrorCode.O135, ids.set_id, session, "genesys", "queue", "cards", ANA)
        assert "reason, user" in message
        refused(ErrorCode.O135, ids.set_id, session, "connect", "language", "zh", "Chinese")
        message = refused(ErrorCode.O136, ids.set_id, session, "connect", "reason", "card_lost", "x" * 65)
        assert "ContactReason attribute value (1–64 printable characters)" in message
        message = refused(ErrorCode.O136, ids.set_id, session, "connect", "user", "ana", "ana@example.com")
        assert "'ana@example.com'" in message and "UUID" in message and "'ana'" in message
        # an ARN of a queue is no user; Genesys takes no ARN at all
        refused(ErrorCode.O136, ids.set_id, session, "connect", "user", "ana", f"{ACCOUNT}/queue/{CARDS}")
        refused(ErrorCode.O136, ids.set_id, session, "genesys", "user", "ana", f"{ACCOUNT}/agent/{ANA}")
        refused(ErrorCode.O136, ids.set_id, session, "genesys", "reason", "card_lost", "x" * 256)
        refused(ErrorCode.O136, ids.set_id, session, "connect", "user", "ana", "  ")
        message = refused(ErrorCode.O137, ids.set_id, session, "connect", "user", " ", ANA)
        assert "empty" in message
        refused(ErrorCode.O137, ids.set_id, session, "connect", "user", "a" * 256, ANA)
        ids.set_id(session, "connect", "user", "ana", f"{ACCOUNT}/agent/{ANA}")
        message = refused(
            ErrorCode.O138, ids.set_id, session, "connect", "user", "bob", f"{ACCOUNT}/agent/{ANA}"
        )
        assert "'ana'" in message
        refused(ErrorCode.O138, ids.set_id, session, "connect", "user", "bob", ANA.upper())  # the same user
        refused(ErrorCode.O134, ids.list_ids, session, system="avaya")
    with db.factory() as session:
        assert ids.list_ids(session) == [RoutingId("connect", "user", "ana", f"{ACCOUNT}/agent/{ANA}")]


CSV_GOOD_AND_BAD = (
    "System,Kind,callqa_name,external_id\n"
    f"connect,user,ana,{ANA}\n"
    "connect,user,bob,not-an-id\n"  # row 3: wrong shape
    "\n"
    f"genesys,reason,掛失,卡片遺失\n"
    f"avaya,user,cy,{ANA}\n"  # row 6: unknown system
    f"connect,user,رضا,{ANA}\n"  # row 7: ana's id already
    f"connect,queue,cards,{CARDS}\n"
)


def test_a_csv_loads_its_good_rows_and_names_each_bad_one(db: Database) -> None:
    with db.factory.begin() as session:
        report = ids.import_csv(session, CSV_GOOD_AND_BAD.encode(), "ids.csv")
    assert report.loaded == 3 and len(report.errors) == 3
    bad_shape, unknown, taken = report.errors
    assert bad_shape.startswith("[O147] ids.csv, row 3: [O136]") and "not-an-id" in bad_shape
    assert unknown.startswith("[O147] ids.csv, row 6: [O134]") and "avaya" in unknown
    assert taken.startswith("[O147] ids.csv, row 7: [O138]") and "the others are loaded" in taken
    with db.factory() as session:
        assert {(i.system, i.kind, i.callqa_name) for i in ids.list_ids(session)} == {
            ("connect", "user", "ana"),
            ("genesys", "reason", "掛失"),
            ("connect", "queue", "cards"),
        }


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (b"", "[I100]"),
        (b"system,kind,name\nconnect,user,ana\n", "no column callqa_name, external_id"),
        (f'system,kind,callqa_name,external_id\nconnect,user,ana,{ANA}\n"open'.encode(), "not CSV"),
    ],
    ids=["empty", "missing columns", "broken quoting after a good row"],
)
def test_an_unreadable_csv_loads_nothing(db: Database, data: bytes, cause: str) -> None:
    with db.factory.begin() as session:
        message = refused(ErrorCode.O148, ids.import_csv, session, data, "ids.csv")
        assert message.startswith("[O148] ids.csv:") and cause in message
    with db.factory() as session:
        assert ids.list_ids(session) == []


# ---- the exports filled from stored ids

CENTRE = [
    SkillAssignment("ana", "reason:card_lost", 5, "cards", 1),
    SkillAssignment("ana", "reason:掛失", 4, "cards", 1),
    SkillAssignment("ana", "language:zh", 5),
    SkillAssignment("رضا", "reason:帳單", 2, "billing", 1),
    SkillAssignment("رضا", "reason:card_lost", 3, "cards", 2),
    SkillAssignment("bob", "reason:card_lost", 2, "cards", 3),
]


def _valid(fmt: str, body: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads(body)
    Draft202012Validator(schema(fmt)).validate(doc)
    return doc


def test_exports_carry_the_stored_ids_and_list_the_unmapped(db: Database) -> None:
    with db.factory.begin() as session:
        ids.set_id(session, "connect", "user", "ana", f"{ACCOUNT}/agent/{ANA}")
        ids.set_id(session, "connect", "user", "رضا", REZA)
        ids.set_id(session, "connect", "queue", "cards", CARDS)
        ids.set_id(session, "genesys", "user", "ana", ANA)
        ids.set_id(session, "genesys", "reason", "card_lost", "Lost cards")
        ids.set_id(session, "genesys", "reason", "掛失", "Lost cards")  # two reasons, one Genesys skill
    with db.factory() as session:
        connect = _valid(
            "amazon-connect",
            export("amazon-connect", CENTRE, ids=ids.ids_for_format(session, "amazon-connect")).body,
        )
        genesys = _valid(
            "genesys", export("genesys", CENTRE, ids=ids.ids_for_format(session, "genesys")).body
        )
        csv_ids = ids.ids_for_format(session, "csv")
    assert [u["UserId"] for u in connect["users"]] == [ANA, REZA]  # type: ignore[index]
    queues = {
        c["QueueReference"]["QueueId"]
        for p in connect["routingProfiles"]
        for c in p["QueueConfigs"]  # type: ignore[attr-defined]
    }
    assert queues == {CARDS, "billing"}
    assert connect["unmappedAgents"] == ["bob"] and connect["unmappedQueues"] == ["billing"]
    assert genesys["unmappedAgents"] == ["bob", "رضا"]
    assert genesys["skills"] == [{"name": "Lost cards"}, {"name": "reason:帳單"}]
    (ana,) = genesys["users"]  # type: ignore[misc]
    assert ana == {
        "userId": ANA,
        "routingSkills": [{"name": "Lost cards", "proficiency": 5.0}],  # the higher of 5 and 4
        "routingLanguages": [{"name": "zh", "proficiency": 5}],
    }
    assert not csv_ids.users and not csv_ids.queues  # the generic CSV is for no one system, unless named
    with db.factory() as session:
        named = ids.ids_for_format(session, "csv", "genesys")
        table = export("csv", CENTRE, ids=named).body
        message = refused(ErrorCode.O139, ids.ids_for_format, session, "amazon-connect", "genesys")
        assert "connect" in message and "'genesys'" in message
        refused(ErrorCode.O134, ids.ids_for_format, session, "csv", "avaya")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {(r["agent"], r["external_id"]) for r in rows} == {("ana", ANA), ("رضا", ""), ("bob", "")}


def test_connect_exports_a_contact_reason_as_the_attribute_value_stored_for_it(db: Database) -> None:
    with db.factory.begin() as session:
        ids.set_id(session, "connect", "user", "ana", ANA)
        ids.set_id(session, "connect", "user", "رضا", REZA)
        ids.set_id(session, "connect", "reason", "card_lost", "Lost card")
        ids.set_id(session, "connect", "reason", "掛失", "Lost card")  # two reasons, one attribute value
    with db.factory() as session:
        connect = _valid(
            "amazon-connect",
            export("amazon-connect", CENTRE, ids=ids.ids_for_format(session, "amazon-connect")).body,
        )
        genesys = json.loads(export("genesys", CENTRE, ids=ids.ids_for_format(session, "genesys")).body)
    assert connect["predefinedAttributes"] == [
        {"Name": "ContactReason", "Values": {"StringList": ["Lost card", "帳單"]}},  # 帳單 has none: its id
        {"Name": "Language", "Values": {"StringList": ["zh"]}},
    ]
    users = {u["UserId"]: u["UserProficiencies"] for u in connect["users"]}  # type: ignore[attr-defined]
    assert users[ANA] == [
        {"AttributeName": "ContactReason", "AttributeValue": "Lost card", "Level": 5.0},  # the higher of 5, 4
        {"AttributeName": "Language", "AttributeValue": "zh", "Level": 5.0},
    ]
    assert users[REZA] == [
        {"AttributeName": "ContactReason", "AttributeValue": "Lost card", "Level": 3.0},
        {"AttributeName": "ContactReason", "AttributeValue": "帳單", "Level": 2.0},
    ]
    # the routing profiles keep the queues: a reason's value changes no queue
    queues = {c["QueueReference"]["QueueId"] for p in connect["routingProfiles"] for c in p["QueueConfigs"]}  # type: ignore[attr-defined]
    assert queues == {"cards", "billing"}
    assert genesys["skills"] == [
        {"name": "reason:card_lost"},
        {"name": "reason:帳單"},
        {"name": "reason:掛失"},
    ]
