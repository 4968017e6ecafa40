"""Numbers split across turns (a pause, a diarization cut, the other party's "mhm") and every separator."""

from __future__ import annotations

import pytest

from callqa.core.document import Interaction
from callqa.privacy.redact import redact_interaction, redact_turns
from redact_support import FULL_WIDTH, PERSIAN, SPOKEN, redacted

pytestmark = pytest.mark.issue(18)
CARD = "4024781618495930"  # Luhn-valid; neither half is a number worth redacting on its own


def texts(turns: list[tuple[str, str]]) -> list[str]:
    return [r.text for r in redact_turns(turns)]


def test_a_card_split_across_two_turns_is_redacted_in_both() -> None:
    got = texts([("customer", "my card is 4024 7816"), ("customer", "1849 5930 and that's it")])
    assert got == ["my card is [CARD_NUMBER]", "[CARD_NUMBER] and that's it"]


def test_the_other_partys_backchannel_does_not_end_the_number() -> None:
    got = texts([("customer", "4024 7816"), ("agent", "mhm, go on"), ("customer", "1849 5930.")])
    assert got == ["[CARD_NUMBER]", "mhm, go on", "[CARD_NUMBER]."]


def test_a_number_cut_into_four_turns() -> None:
    got = texts([("customer", "4024,"), ("customer", "7816,"), ("customer", "1849,"), ("customer", "5930.")])
    # the commas between groups belong to the number read out; the full stop ends the sentence
    assert got == ["[CARD_NUMBER]", "[CARD_NUMBER]", "[CARD_NUMBER]", "[CARD_NUMBER]."]


def test_spoken_halves_after_the_question() -> None:
    first = " ".join(SPOKEN[d] for d in CARD[:8])
    second = " ".join(SPOKEN[d] for d in CARD[8:])
    got = texts([("agent", "Could I have the card number?"), ("customer", first), ("customer", second)])
    assert got[1:] == ["[CARD_NUMBER]", "[CARD_NUMBER]"]


def test_diarization_may_give_the_halves_to_different_speakers() -> None:
    got = texts([("customer", "it's 4024 7816"), ("agent", "1849 5930")])
    assert got == ["it's [CARD_NUMBER]", "[CARD_NUMBER]"]


def test_numbers_that_only_look_joined_stay() -> None:
    # Two order references in a row: no 13-19 digit reading passes the checks across the boundary.
    turns = [("customer", "order 1234"), ("customer", "5678 please"), ("agent", "ok, 12"), ("customer", "3")]
    assert texts(turns) == [t for _, t in turns]


def test_the_stored_interaction_records_both_parts() -> None:
    doc = Interaction.model_validate(
        {
            "external_id": "split-1",
            "channel": "voice",
            "turns": [
                {"role": "customer", "text": "my card is 4024 7816"},
                {"role": "customer", "text": "1849 5930"},
            ],
        }
    )
    clean, records = redact_interaction(doc)
    assert [t.text for t in clean.turns] == ["my card is [CARD_NUMBER]", "[CARD_NUMBER]"]
    assert [(r.field, r.kind) for r in records] == [
        ("turns.0.text", "card_number"),
        ("turns.1.text", "card_number"),
    ]


@pytest.mark.parametrize(
    "written",
    [
        "4485_2553_4192_8329",
        "5105/7648/3503/0564",
        "4485.2553.4192.8329",
        "4485-2553-4192-8329",
        "4485 2553 4192 8329",
        "4485\t2553\t4192\t8329",
        "4485\n2553\n4192\n8329",
        "4485・2553・4192・8329",
        "4485·2553·4192·8329",
        "4485＿2553＿4192＿8329".translate(FULL_WIDTH),
        "4485／2553／4192／8329".translate(FULL_WIDTH),
        "4485－2553－4192－8329".translate(FULL_WIDTH),
        "4485\u30002553\u30004192\u30008329",
        "4485 2553 4192 8329".translate(PERSIAN),
    ],
)
def test_every_separator(written: str) -> None:
    assert redacted(f"card: {written} thanks") == "card: [CARD_NUMBER] thanks"


def test_dates_with_slashes_are_not_cards() -> None:
    text = "Delivered 2024/01/15, invoice dated 12/25/2024, ref 2024/0001/77"
    assert redacted(text) == text
