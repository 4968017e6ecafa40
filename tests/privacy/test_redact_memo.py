"""The memo of clean texts: repeated lines skip detection, yet context still decides and no text is kept."""

from __future__ import annotations

from callqa.privacy import redact
from callqa.privacy.redact import redact_text


def test_a_clean_line_seen_before_is_not_scanned_again_and_stays_clean() -> None:
    first = redact_text("Thank you for calling Acme Bank.")
    again = redact_text("Thank you for calling Acme Bank.")
    assert (first.text, first.redactions) == (again.text, again.redactions) == (first.text, [])


def test_the_same_answer_is_redacted_when_its_context_asks_for_a_code() -> None:
    assert redact_text("it's 314").text == "it's 314"
    assert redact_text("it's 314", context="What is the CVV on the back?").text == "it's [CVV]"
    assert redact_text("it's 314").text == "it's 314"


def test_the_memo_keeps_fixed_size_digests_never_the_text() -> None:
    redact_text("Please hold while I check your account ending 4321.")
    assert redact._clean
    assert all(isinstance(key, bytes) and len(key) == 16 for key in redact._clean)


def test_the_memo_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(redact, "_CLEAN_LIMIT", 3)
    monkeypatch.setattr(redact, "_clean", set())
    for i in range(10):
        redact_text(f"line number {'x' * i}")
    assert len(redact._clean) <= 3
