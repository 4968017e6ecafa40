"""Chat exports: every shape, field aliases, four languages, Unix and ISO times, and chats that fail alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callqa.core.config import ChatConfig, IngestConfig
from callqa.core.document import Channel, Role
from callqa.ingest.base import Failure, Parsed, ParseResult
from callqa.ingest.formats.aws_transcribe import AWS_TRANSCRIBE
from callqa.ingest.formats.chat import CHAT

CONFIG = IngestConfig()


def parse(path: Path, config: IngestConfig = CONFIG) -> list[ParseResult]:
    return list(CHAT.parse(path, config))


def write(tmp_path: Path, doc: object, name: str = "chats.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def only(results: list[ParseResult]) -> Parsed:
    assert len(results) == 1
    assert isinstance(results[0], Parsed), str(results[0])
    return results[0]


LITHUANIAN = {
    "chat_id": "ch-2291",
    "agent": "m.jonaitis",
    "queue": "web-chat",
    "language": "lt",
    "platform": "livechat",
    "metadata": {"crm_case": "CS-1182"},
    "messages": [
        {
            "author": "Klientas",
            "role": "customer",
            "timestamp": "2026-10-07T14:02:11Z",
            "text": "Laba diena, norėčiau padidinti kortelės limitą.",
        },
        {
            "author": "Marius",
            "role": "agent",
            "timestamp": "2026-10-07T14:02:40Z",
            "text": "Laba diena, mielai padėsiu. Kokio limito pageidaujate?",
        },
        {
            "author": "Klientas",
            "role": "Customer",
            "timestamp": "2026-10-07T14:03:05.500Z",
            "text": "Iki 3000 eurų.",
        },
    ],
}


def test_single_chat_object_with_iso_times(tmp_path: Path) -> None:
    doc = only(parse(write(tmp_path, LITHUANIAN, "lt.json"))).interaction
    assert (doc.external_id, doc.source, doc.channel) == ("ch-2291", "chat", Channel.CHAT)
    assert (doc.agent, doc.queue, doc.language) == ("m.jonaitis", "web-chat", "lt")
    assert doc.started_at == datetime(2026, 10, 7, 14, 2, 11, tzinfo=UTC)
    assert [(t.role, t.speaker, t.start_ms) for t in doc.turns] == [
        (Role.CUSTOMER, "Klientas", 0),
        (Role.AGENT, "Marius", 29000),
        (Role.CUSTOMER, "Klientas", 54500),
    ]
    assert doc.turns[1].text == "Laba diena, mielai padėsiu. Kokio limito pageidaujate?"
    assert doc.turns[0].end_ms is None
    assert doc.metadata == {"platform": "livechat", "crm_case": "CS-1182"}


def test_array_of_chats_in_english_and_persian(tmp_path: Path) -> None:
    chats = [
        {
            "id": "web-100",
            "team": "Cards",
            "customer": {"id": "cust-77", "name": "Jane Doe"},
            "survey": {"csat": 4, "comment": "quick and kind"},
            "messages": [
                {
                    "sender_type": "visitor",
                    "sender": "Jane",
                    "sent_at": "2026-10-05T09:14:00+02:00",
                    "body": "Hi, I was charged twice for my annual fee.",
                },
                {
                    "sender_type": "staff",
                    "sender": {"name": "Anna", "id": 12},
                    "sent_at": "2026-10-05T09:14:45+02:00",
                    "body": "Sorry about that, Jane. Let me check.",
                },
            ],
        },
        {
            "external_id": "fa-31",
            "language": "fa",
            "conversation": [
                {
                    "from_type": "client",
                    "from": "مشتری",
                    "time": "2026-10-05T10:00:00Z",
                    "content": "سلام، کارت من مسدود شده است.",
                },
                {
                    "from_type": "operator",
                    "from": "سارا",
                    "time": "2026-10-05T10:01:30Z",
                    "content": "سلام، لطفاً شماره کارت را وارد کنید.",
                },
            ],
        },
        {"messages": [{"role": "bot", "text": "How can I help?", "ts": "2026-10-05T11:00:00Z"}]},
    ]
    results = parse(write(tmp_path, chats, "export.json"))
    assert all(isinstance(r, Parsed) for r in results), [str(r) for r in results]
    first, persian, unnamed = (r.interaction for r in results if isinstance(r, Parsed))
    assert first.external_id == "web-100" and first.team == "Cards" and first.customer == "cust-77"
    assert first.survey is not None and first.survey.csat == 4
    assert first.started_at == datetime(2026, 10, 5, 7, 14, tzinfo=UTC)
    assert [(t.role, t.speaker, t.start_ms) for t in first.turns] == [
        (Role.CUSTOMER, "Jane", 0),
        (Role.AGENT, "Anna", 45000),
    ]
    assert persian.external_id == "fa-31" and persian.language == "fa"
    assert [(t.role, t.text) for t in persian.turns] == [
        (Role.CUSTOMER, "سلام، کارت من مسدود شده است."),
        (Role.AGENT, "سلام، لطفاً شماره کارت را وارد کنید."),
    ]
    assert persian.turns[1].start_ms == 90000
    assert unnamed.external_id == "export#3" and unnamed.turns[0].role == Role.BOT


def test_chats_wrapper_in_chinese_with_unix_milliseconds(tmp_path: Path) -> None:
    doc = {
        "exported_at": "2026-10-08",
        "chats": [
            {
                "chat_id": 88123,
                "language": "zh-Hans",
                "agent": {"name": "王芳", "id": "a-17"},
                "messages": [
                    {
                        "id": "m1",
                        "type": "visitor",
                        "author": "访客",
                        "created_at": 1791381600000,
                        "text": "你好，我的订单还没有到。",
                    },
                    {
                        "id": "m2",
                        "type": "agent",
                        "author": "王芳",
                        "created_at": 1791381645250,
                        "text": "您好，请提供一下订单号。",
                    },
                ],
            }
        ],
    }
    doc_ = only(parse(write(tmp_path, doc))).interaction
    assert doc_.external_id == "88123" and doc_.agent == "王芳" and doc_.language == "zh-Hans"
    assert doc_.started_at == datetime.fromtimestamp(1791381600, tz=UTC)
    assert [(t.role, t.text, t.start_ms, t.external_id) for t in doc_.turns] == [
        (Role.CUSTOMER, "你好，我的订单还没有到。", 0, "m1"),
        (Role.AGENT, "您好，请提供一下订单号。", 45250, "m2"),
    ]


def test_bare_array_of_messages_is_one_chat_named_after_the_file(tmp_path: Path) -> None:
    messages = [
        {"role": "user", "ts": 1791381600, "message": "Is my parcel insured?"},
        {"role": "assistant", "ts": 1791381602, "message": [{"type": "text", "text": "Yes, up to 500 EUR."}]},
        {"role": "system", "ts": 1791381610, "message": "Chat transferred to a human agent."},
        {"role": "human_agent", "ts": 1791381671.5, "message": {"text": "Hi, Tomas here."}},
    ]
    doc = only(parse(write(tmp_path, messages, "session-5521.json"))).interaction
    assert doc.external_id == "session-5521"
    assert [t.role for t in doc.turns] == [Role.CUSTOMER, Role.BOT, Role.SYSTEM, Role.AGENT]
    assert [t.start_ms for t in doc.turns] == [0, 2000, 10000, 71500]
    assert doc.turns[1].text == "Yes, up to 500 EUR."


def test_messages_without_text_are_skipped_unless_they_carry_attachments(tmp_path: Path) -> None:
    chat = {
        "id": "att-1",
        "messages": [
            {"role": "customer", "text": "Here is my receipt", "attachments": [{"name": "receipt.pdf"}]},
            {
                "role": "customer",
                "attachments": [{"filename": "photo.jpg"}, {"url": "https://x.example/a.png"}],
            },
            {"role": "agent", "text": "   "},
            {"role": "mystery-role-without-text"},
            {"role": "agent", "file": "form.docx"},
        ],
    }
    doc = only(parse(write(tmp_path, chat))).interaction
    assert [(t.role, t.text) for t in doc.turns] == [
        (Role.CUSTOMER, "Here is my receipt [attachment: receipt.pdf]"),
        (Role.CUSTOMER, "[attachment: photo.jpg] [attachment: https://x.example/a.png]"),
        (Role.AGENT, "[attachment: form.docx]"),
    ]
    assert all(t.start_ms is None for t in doc.turns) and doc.started_at is None


def test_configured_role_values_are_case_insensitive(tmp_path: Path) -> None:
    chat = {
        "id": "sup-1",
        "messages": [
            {"role": "SUPERVISOR", "text": "Stepping in."},
            {"author_type": "Visitor", "text": "Thanks."},
        ],
    }
    path = write(tmp_path, chat)
    failure = parse(path)[0]
    assert isinstance(failure, Failure) and failure.message.startswith("[I310]")
    config = IngestConfig(chat=ChatConfig(role_values={"supervisor": Role.AGENT}))
    assert [t.role for t in only(parse(path, config)).interaction.turns] == [Role.AGENT, Role.CUSTOMER]


def test_unknown_role_fails_that_chat_only_naming_value_index_and_id(tmp_path: Path) -> None:
    chats = {
        "chats": [
            {"id": "ok-1", "messages": [{"role": "agent", "text": "Hello"}]},
            {
                "id": "ch-9",
                "messages": [{"role": "customer", "text": "Hi"}, {"role": "wizard", "text": "Abracadabra"}],
            },
            {"id": "ok-3", "messages": [{"role": "customer", "text": "Hey"}]},
        ]
    }
    results = parse(write(tmp_path, chats))
    assert [type(r) for r in results] == [Parsed, Failure, Parsed]
    failure = results[1]
    assert isinstance(failure, Failure)
    assert failure.ref.line is None
    assert failure.message.startswith("[I310] chat #2 (id ch-9): unknown role 'wizard' in message 2")
    assert "ingest.chat.role_values" in failure.message


def test_role_from_author_object_or_chat_agent(tmp_path: Path) -> None:
    chat = {
        "id": "r-1",
        "agent": "Anna",
        "messages": [
            {"type": "message", "author": {"name": "Jonas", "type": "customer"}, "text": "Labas"},
            {"type": "message", "author": "Anna", "text": "Sveiki"},
            {"type": "message", "author": "Someone", "text": "?"},
        ],
    }
    failure = parse(write(tmp_path, chat))[0]
    assert isinstance(failure, Failure)
    assert (
        failure.message
        == "[I311] chat 'r-1': message 3 has no role (role, sender_type, author_type, from_type or type)"
    )
    del chat["messages"][2]  # type: ignore[attr-defined]
    doc = only(parse(write(tmp_path, chat))).interaction
    assert [(t.role, t.speaker) for t in doc.turns] == [(Role.CUSTOMER, "Jonas"), (Role.AGENT, "Anna")]


def test_started_at_given_wins_and_naive_times_use_the_configured_zone(tmp_path: Path) -> None:
    chat = {
        "id": "tz-1",
        "started_at": "2026-10-07 16:59:00",
        "messages": [
            {"role": "customer", "timestamp": "2026-10-07 17:00:00", "text": "Sveiki"},
            {"role": "agent", "timestamp": "2026-10-07 17:00:20", "text": "Laba diena"},
        ],
    }
    doc = only(parse(write(tmp_path, chat), IngestConfig(timezone="Europe/Vilnius"))).interaction
    assert doc.started_at == datetime(2026, 10, 7, 13, 59, tzinfo=UTC)
    assert [t.start_ms for t in doc.turns] == [0, 20000]


@pytest.mark.parametrize(
    ("content", "start"),
    [
        ('{"chat_id": "c1", "messages": [{"role": "agent", "text": "Hel', "[I200] invalid JSON"),
        ("", "[I100] file is empty"),
        ("   \n", "[I100] file is empty"),
        ("42", "[I203] JSON document is not a chat object"),
        ('{"hello": "world"}', "[I203]"),
        ("[]", "[I301]"),
        ('{"chat_id": "c1", "messages": []}', "[I311] chat 'c1': no message has text"),
        ('{"chat_id": "c1", "messages": "hello"}', "[I311] chat 'c1': 'messages' is not a list of messages"),
        ('{"chat_id": "c1", "messages": ["hello"]}', "[I311] chat 'c1': message 1 is not a JSON object"),
        (
            '{"chat_id": "c1", "messages": [{"role": "agent", "text": "a", "ts": "soon"}]}',
            "[I311] chat 'c1': message 1: bad timestamp 'soon'",
        ),
        (
            '{"chat_id": "c1", "survey": {"csat": 9}, "messages": [{"role": "agent", "text": "a"}]}',
            "[I201] invalid interaction: chat 'c1': survey",
        ),
    ],
)
def test_bad_files_and_chats_fail_with_a_code(tmp_path: Path, content: str, start: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    results = parse(path)
    assert len(results) == 1 and isinstance(results[0], Failure)
    assert results[0].message.startswith(start), results[0].message


def test_truncated_array_names_the_line_of_the_break(tmp_path: Path) -> None:
    text = json.dumps([LITHUANIAN, LITHUANIAN], ensure_ascii=False, indent=1)
    path = tmp_path / "cut.json"
    path.write_text(text[:-40], encoding="utf-8")
    failure = parse(path)[0]
    assert isinstance(failure, Failure) and failure.message.startswith("[I200]")
    assert failure.ref.line is not None and failure.ref.line > 20


def test_duplicate_chat_ids_in_one_file(tmp_path: Path) -> None:
    chat = {"id": "dup", "messages": [{"role": "agent", "text": "Hi"}]}
    results = parse(write(tmp_path, [chat, chat]))
    assert isinstance(results[0], Parsed) and isinstance(results[1], Failure)
    assert results[1].message == "[I202] duplicate external id 'dup' in this file (first at chat #1 (id dup))"


def test_channel_values_outside_the_schema_are_kept_as_metadata(tmp_path: Path) -> None:
    chat = {
        "id": "wa-1",
        "channel": "whatsapp",
        "direction": "inbound",
        "Messages": [{"Role": "Customer", "Text": "Hola", "Timestamp": "2026-10-07T10:00:00Z"}],
    }
    doc = only(parse(write(tmp_path, chat))).interaction
    assert doc.channel == Channel.CHAT and doc.direction is not None and doc.direction.value == "inbound"
    assert doc.metadata == {"channel": "whatsapp"}
    assert doc.turns[0].text == "Hola" and doc.turns[0].role == Role.CUSTOMER
    social = only(parse(write(tmp_path, {**chat, "channel": "social"}))).interaction
    assert social.channel == Channel.SOCIAL


def test_source_from_config(tmp_path: Path) -> None:
    doc = only(parse(write(tmp_path, LITHUANIAN), IngestConfig(source="livechat-eu"))).interaction
    assert doc.source == "livechat-eu"


def test_sniff(tmp_path: Path) -> None:
    json_path, txt_path = tmp_path / "a.json", tmp_path / "a.txt"
    lt = json.dumps(LITHUANIAN, ensure_ascii=False).encode()
    assert CHAT.sniff(json_path, lt) == 0.8
    assert CHAT.sniff(tmp_path / "A.JSON", b"\xef\xbb\xbf" + lt) == 0.8
    assert CHAT.sniff(txt_path, lt) == 0.0
    transcript = b'{"id": "x", "transcript": [{"sender": "Ana", "message": "Hi"}]}'
    assert CHAT.sniff(json_path, transcript) == 0.8
    native = b'{"external_id": "c", "channel": "chat", "turns": [], "metadata": {"messages": 3}}'
    assert CHAT.sniff(json_path, native) == 0.0
    bare = b'[{"role": "customer", "text": "Hi"}]'
    assert CHAT.sniff(json_path, bare) == 0.5
    assert CHAT.sniff(json_path, b'{"name": "package", "version": "1.0"}') == 0.0
    assert AWS_TRANSCRIBE.sniff(json_path, lt) == 0.0


def test_times_as_objects_or_out_of_range_fail_the_chat_cleanly(tmp_path: Path) -> None:
    mongo = {
        "id": "m-1",
        "messages": [{"role": "agent", "text": "Hi", "ts": {"$date": "2026-10-07T10:00:00Z"}}],
    }
    assert only(parse(write(tmp_path, mongo))).interaction.started_at == datetime(2026, 10, 7, 10, tzinfo=UTC)
    for bad in ({"when": 1}, [1], 10**30, True):
        chat = {"id": "b-1", "messages": [{"role": "agent", "text": "Hi", "ts": bad}]}
        failure = parse(write(tmp_path, chat))[0]
        assert isinstance(failure, Failure) and failure.message.startswith(
            "[I311] chat 'b-1': message 1: bad"
        ), failure
    started = {"id": "s-1", "started_at": {"x": 1}, "messages": [{"role": "agent", "text": "Hi"}]}
    failure = parse(write(tmp_path, started))[0]
    assert isinstance(failure, Failure) and failure.message.startswith("[I311] chat 's-1': started_at: bad")


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6)
_KEYS = st.sampled_from(
    [
        "messages",
        "transcript",
        "chats",
        "id",
        "role",
        "type",
        "author",
        "from",
        "text",
        "message",
        "content",
        "ts",
        "timestamp",
        "started_at",
        "agent",
        "customer",
        "survey",
        "metadata",
        "attachments",
        "channel",
    ]
)
_NOISE = st.recursive(
    _SCALARS | st.sampled_from(["agent", "customer", "visitor", "2026-10-07T10:00:00Z", 1791381600000]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(document=_NOISE)
def test_garbage_never_raises(tmp_path: Path, document: object) -> None:
    path = tmp_path / "noise.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert all(isinstance(r, Parsed | Failure) for r in CHAT.parse(path, CONFIG))
