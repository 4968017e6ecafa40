"""Person names (issue 18): off by default; when on, introduced names in the four languages are redacted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from callqa.core.settings import Settings
from callqa.privacy.redact import configure, redact_text
from callqa.runtime import Runtime

pytestmark = pytest.mark.issue(18)


@pytest.fixture
def names_on() -> Iterator[None]:
    configure(person_names=True)
    yield
    configure(person_names=False)


def test_off_by_default() -> None:
    assert Settings(_env_file=None).redact_person_names is False  # type: ignore[call-arg]
    assert redact_text("Hello, my name is Jonas Petraitis.").text == "Hello, my name is Jonas Petraitis."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, my name is Jonas Petraitis and I", "Hello, my name is [PERSON_NAME] and I"),
        ("this is Anna from Acme Bank", "this is [PERSON_NAME] from Acme Bank"),
        ("Thank you Mr. Smith.", "Thank you Mr. [PERSON_NAME]."),
        ("我叫王小明，我的卡丢了", "我叫[PERSON_NAME]，我的卡丢了"),
        ("王先生您好", "[PERSON_NAME]先生您好"),
        ("mano vardas Jonas, skambinu dėl", "mano vardas [PERSON_NAME], skambinu dėl"),
        ("سلام، اسم من علی رضایی است", "سلام، اسم من [PERSON_NAME] است"),
    ],
)
def test_introduced_names(names_on: None, text: str, expected: str) -> None:
    assert redact_text(text).text == expected


@pytest.mark.parametrize("text", ["I'm fine thanks", "this is not right", "my name is anna (lower case)"])
def test_what_it_does_not_take_for_a_name(names_on: None, text: str) -> None:
    assert redact_text(text).text == text


def test_the_setting_reaches_redaction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_REDACT_PERSON_NAMES", "true")
    monkeypatch.setenv("CALLQA_DATABASE_URL", "sqlite://")
    try:
        with Runtime.open():
            assert redact_text("my name is Jonas").text == "my name is [PERSON_NAME]"
    finally:
        configure(person_names=False)
