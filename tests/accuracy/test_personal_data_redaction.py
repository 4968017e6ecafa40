"""Dates of birth and addresses on third-party utterances (issue 18): the DSTC11 insurance utterances in
../shared/data, where customers give them unprompted in their first message. Labels: by reading all 47
utterances that mention an address, a birth or a zip code (8 give a date of birth, 11 an address or zip
code, the rest only ask to change an address)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from callqa.accuracy.runner import default_data_dir
from callqa.privacy.redact import redact_text

pytestmark = [pytest.mark.issue(18)]
GIVEN_BIRTH_DATES = 8
GIVEN_ADDRESSES = 11


def utterances() -> list[str]:
    path = (default_data_dir() or Path("/nonexistent")) / "dstc11_intent_induction"
    path /= "insurance_dev_test-utterances.jsonl"
    if not path.is_file():
        pytest.skip("../shared/data/dstc11_intent_induction is not here")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["utterance"] for line in lines if line.strip()]


def test_every_given_birth_date_and_address_is_redacted_and_requests_are_left() -> None:
    mentions = [t for t in utterances() if re.search(r"address|birth|born|zip", t, re.IGNORECASE)]
    assert len(mentions) == 47
    births = addresses = 0
    for text in mentions:
        result = redact_text(text)
        kinds = [r.kind for r in result.redactions]
        births += kinds.count("date_of_birth")
        addresses += kinds.count("postal_address")
        if "postal_address" not in kinds and "date_of_birth" not in kinds:
            # what is left untouched gives no address: no house number, no zip code is left in it
            assert not re.search(r"\b\d{3,6}\b(?! ?(?:dollars|\$))", result.text.replace("[", " [")), text
    assert births >= GIVEN_BIRTH_DATES
    assert addresses >= GIVEN_ADDRESSES
