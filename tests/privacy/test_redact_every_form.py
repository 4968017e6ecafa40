"""Property (issue 18): a card number in any written or spoken form, in any of the four languages, in any
field of an interaction — or split over two turns — leaves no run of its digits in the stored document."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callqa.core.document import Interaction
from callqa.privacy.digits import normalise
from callqa.privacy.redact import redact_interaction
from redact_support import ARABIC_INDIC, FULL_WIDTH, PERSIAN, luhn_complete

pytestmark = pytest.mark.issue(18)

SEPARATORS = [" ", "-", ".", "_", "/", "  ", "\u3000", "－", "／", "＿", "・", "\u00a0", " - "]
SCRIPTS = {"ascii": str.maketrans("", ""), "persian": PERSIAN, "arabic": ARABIC_INDIC, "full": FULL_WIDTH}
SPOKEN = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "lt": ["nulis", "vienas", "du", "trys", "keturi", "penki", "šeši", "septyni", "aštuoni", "devyni"],
    "fa": ["صفر", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"],
    "zh": list("零一二三四五六七八九"),
}
# (how the customer says it, what the agent asked before) per language
SENTENCES = {
    "en": ("my card number is {card}, thanks", "Could you read me the card number?"),
    "lt": ("kortelės numeris {card}, ačiū", "Gal galite pasakyti kortelės numerį?"),
    "fa": ("شماره کارت {card} است", "لطفاً شماره کارت را بگویید"),
    "zh": ("卡号是{card}，谢谢", "请告诉我您的卡号"),
}
FIELDS = ["turn", "split", "subject", "comment", "event", "metadata", "metadata_key", "speaker", "agent"]


@st.composite
def cards(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([13, 15, 16, 16, 16, 19]))
    prefix = draw(st.sampled_from(["4", "51", "55", "37", "6011", "62", "2221"]))
    body = draw(st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1))
    return luhn_complete(prefix + body)


def written(card: str, sep: str, script: str) -> str:
    grouped = sep.join(card[i : i + 4] for i in range(0, len(card), 4))
    return grouped.translate(SCRIPTS[script])


def spoken(card: str, language: str) -> str:
    joiner = "" if language == "zh" else " "
    return joiner.join(SPOKEN[language][int(d)] for d in card)


def document(field: str, value: str, language: str, halves: tuple[str, str]) -> Interaction:
    said, asked = SENTENCES[language]
    turns: list[dict[str, object]] = [
        {"role": "agent", "text": asked},
        {"role": "customer", "text": said.format(card=value) if field == "turn" else "ok"},
    ]
    if field == "split":
        turns[1:] = [{"role": "customer", "text": halves[0]}, {"role": "customer", "text": halves[1]}]
    data: dict[str, object] = {"external_id": "prop-1", "channel": "voice", "turns": turns}
    if field == "subject":
        data["subject"] = f"refund to card {value}"
    if field == "comment":
        data["survey"] = {"csat": 2, "comment": f"you charged card {value} twice"}
    if field == "event":
        data["events"] = [{"kind": "transfer", "detail": f"to payments, card {value}"}]
    if field == "metadata":
        data["metadata"] = {"crm": {"notes": [f"card {value}"]}}
    if field == "metadata_key":
        data["metadata"] = {value: "paid"}
    if field == "speaker":
        turns[0]["speaker"] = f"Jonas {value}"
    if field == "agent":
        data["agent"] = f"agent {value}"
    return Interaction.model_validate(data)


def digits_left(doc: Interaction, card: str, language: str) -> bool:
    dumped = normalise(doc.model_dump_json())
    for index, word in enumerate(SPOKEN[language]):
        dumped = dumped.replace(word, str(index))
    squeezed = re.sub(r"[^0-9]", "", dumped)
    return card in squeezed or card[:8] in squeezed or card[-8:] in squeezed


@settings(max_examples=300, deadline=None)
@given(
    card=cards(),
    sep=st.sampled_from(SEPARATORS),
    script=st.sampled_from(sorted(SCRIPTS)),
    language=st.sampled_from(sorted(SENTENCES)),
    field=st.sampled_from(FIELDS),
    say=st.booleans(),
)
def test_no_form_of_a_card_survives(
    card: str, sep: str, script: str, language: str, field: str, say: bool
) -> None:
    # Spoken digits only come from speech, so only in turns (whole or split); written forms go everywhere.
    spoken_form = say and field in ("turn", "split")
    value = spoken(card, language) if spoken_form else written(card, sep, script)
    cut = len(card) // 2
    if spoken_form:
        halves = (spoken(card[:cut], language), spoken(card[cut:], language))
    else:
        halves = (written(card[:8], sep, script), written(card[8:], sep, script))
    doc = document(field, value, language, halves)
    clean, records = redact_interaction(doc)
    assert records, (field, value)
    assert not digits_left(clean, card, language), clean.model_dump_json()
