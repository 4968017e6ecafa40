"""redact_interaction: every free-text field of an interaction, with placeholders and field paths."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from callqa.core.document import Channel, Event, EventKind, Interaction, Role, Survey, Turn
from callqa.privacy import PLACEHOLDERS, FieldRedaction, Redaction, redact_interaction

SECRETS = [
    "4111 1111 1111 1111",
    "4111111111111111",
    "5500000000000004",
    "۶۰۳۷۹۹۱۸۹۹۴۵۶۷۸۸",
    "11010519491231002X",
    "38703181745",
    "۰۴۹۹۳۷۰۸۹۹",
    "536-22-1234",
    "LT121000011101001000",
    "LT12 1000 0111 0100 1000",
    "zhang.san@example.com",
    "+370 612 34567",
    "13812345678",
    "09/27",
    "321",
]


def sample() -> Interaction:
    return Interaction(
        external_id="call-1",
        channel=Channel.VOICE,
        subject="Refund to LT12 1000 0111 0100 1000 please",
        turns=[
            Turn(role=Role.AGENT, text="Thank you for calling, how can I help?"),
            Turn(role=Role.CUSTOMER, text="My card is 4111 1111 1111 1111, expires 09/27."),
            Turn(role=Role.AGENT, text="And the three digits on the back?"),
            Turn(role=Role.CUSTOMER, text="321"),
            Turn(role=Role.CUSTOMER, text="我的身份证号11010519491231002X，手机13812345678"),
            Turn(role=Role.CUSTOMER, text="Mano asmens kodas 38703181745, telefonas +370 612 34567."),
            Turn(role=Role.CUSTOMER, text="کد ملی من ۰۴۹۹۳۷۰۸۹۹ و کارت ۶۰۳۷۹۹۱۸۹۹۴۵۶۷۸۸"),
            Turn(role=Role.AGENT, text="Thanks, all noted."),
        ],
        events=[Event(kind=EventKind.TRANSFER, detail="to billing, callback +370 612 34567")],
        survey=Survey(csat=4, comment="Agent read my SSN 536-22-1234 back to me!"),
        metadata={
            "notes": "mail zhang.san@example.com",
            "crm": {"card": 4111111111111111, "history": ["ok", "card 5500000000000004"], "count": 3},
            "flag": True,
        },
    )


def resolve(document: Interaction, path: str) -> str:
    value: Any = document
    for part in path.split("."):
        if isinstance(value, dict):
            value = value[part]
        elif isinstance(value, list):
            value = value[int(part)]
        else:
            value = getattr(value, part)
    assert isinstance(value, str)
    return value


def test_every_field_is_redacted() -> None:
    original = sample()
    redacted, _ = redact_interaction(original)
    dumped = redacted.model_dump_json()
    for secret in SECRETS:
        assert secret not in dumped, secret
    assert redacted.turns[1].text == "My card is [CARD_NUMBER], expires [CARD_EXPIRY]."
    assert redacted.turns[3].text == "[CVV]"
    assert redacted.turns[4].text == "我的身份证号[NATIONAL_ID]，手机[PHONE]"
    assert redacted.turns[5].text == "Mano asmens kodas [NATIONAL_ID], telefonas [PHONE]."
    assert redacted.turns[6].text == "کد ملی من [NATIONAL_ID] و کارت [CARD_NUMBER]"
    assert redacted.subject == "Refund to [IBAN] please"
    assert redacted.events[0].detail == "to billing, callback [PHONE]"
    assert (
        redacted.survey is not None
        and redacted.survey.comment == "Agent read my SSN [NATIONAL_ID] back to me!"
    )
    assert redacted.survey.csat == 4
    assert redacted.metadata == {
        "notes": "mail [EMAIL]",
        "crm": {"card": "[CARD_NUMBER]", "history": ["ok", "card [CARD_NUMBER]"], "count": 3},
        "flag": True,
    }


def test_records_point_at_the_placeholders() -> None:
    redacted, records = redact_interaction(sample())
    assert records
    for record in records:
        text = resolve(redacted, record.field)
        assert text[record.start : record.end] == PLACEHOLDERS[record.kind], record
    fields = {record.field for record in records}
    assert fields == {
        "turns.1.text",
        "turns.3.text",
        "turns.4.text",
        "turns.5.text",
        "turns.6.text",
        "subject",
        "events.0.detail",
        "survey.comment",
        "metadata.notes",
        "metadata.crm.card",
        "metadata.crm.history.1",
    }
    assert FieldRedaction("turns.3.text", "cvv", 0, 5) in records
    assert [r.kind for r in records if r.field == "turns.1.text"] == ["card_number", "card_expiry"]


def test_records_never_hold_the_values() -> None:
    assert {f.name for f in fields(FieldRedaction)} == {"field", "kind", "start", "end"}
    assert {f.name for f in fields(Redaction)} == {"kind", "start", "end", "original_start", "original_end"}
    _, records = redact_interaction(sample())
    for record in records:
        assert not any(secret in repr(record) for secret in SECRETS if len(secret) > 3)


def test_the_original_is_not_modified() -> None:
    original = sample()
    before = original.model_dump_json()
    redact_interaction(original)
    assert original.model_dump_json() == before


def test_unchanged_parts_are_shared_and_clean_interactions_come_back_as_is() -> None:
    original = sample()
    redacted, _ = redact_interaction(original)
    assert redacted.turns[0] is original.turns[0]
    assert redacted.turns[7] is original.turns[7]
    assert redacted.metadata["crm"]["count"] == 3

    clean = Interaction(
        external_id="chat-2",
        channel=Channel.CHAT,
        subject="Where is order 48213377?",
        turns=[
            Turn(role=Role.CUSTOMER, text="Hi, I paid 1,250.00 on 2024-09-27 at 10:30"),
            Turn(role=Role.AGENT, text="您好，订单已发货。"),
        ],
        survey=Survey(nps=9, comment="Ačiū! خیلی ممنون"),
        metadata={"tags": ["refund", "vip"], "order": 48213377},
    )
    same, records = redact_interaction(clean)
    assert same is clean
    assert records == []


def test_a_bare_code_needs_the_question_before_it() -> None:
    interaction = Interaction(
        external_id="chat-3",
        channel=Channel.CHAT,
        turns=[
            Turn(role=Role.AGENT, text="请提供卡背后三位"),
            Turn(role=Role.CUSTOMER, text="是852"),
            Turn(role=Role.CUSTOMER, text="我有852个积分"),
        ],
    )
    redacted, records = redact_interaction(interaction)
    assert [t.text for t in redacted.turns] == ["请提供卡背后三位", "是[CVV]", "我有852个积分"]
    assert records == [FieldRedaction("turns.1.text", "cvv", 1, 6)]


def test_a_party_going_on_after_a_pause_is_still_answering_the_question() -> None:
    doc = Interaction(
        external_id="split",
        channel=Channel.VOICE,
        turns=[
            Turn(role=Role.AGENT, text="Can you give me the card number?"),
            Turn(role=Role.CUSTOMER, text="Yes, it's 4646."),
            Turn(role=Role.CUSTOMER, text="4646, 4646, 4644."),  # Whisper split the number at a pause
            Turn(role=Role.AGENT, text="Thanks. I have 4646, 4646, 4644 reversed here."),
        ],
    )
    redacted, _ = redact_interaction(doc)
    assert [t.text for t in redacted.turns][2] == "[CARD_NUMBER]."
    # the agent's own turn has only the customer's digits as context, not the question: left alone
    assert redacted.turns[3].text == doc.turns[3].text
