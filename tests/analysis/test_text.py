"""Phrase matching that works next to CJK and Persian script and maps back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callqa.analysis.text import PhraseMatcher, RegexMatcher, fold, fold_each_character, to_simplified

pytestmark = pytest.mark.issue(3)


def _found(phrases: list[str], text: str) -> list[str]:
    return [text[m.start : m.end] for m in PhraseMatcher(phrases).find(text)]


@pytest.mark.parametrize(
    ("phrases", "text", "expected"),
    [
        (["Acme"], "欢迎致电Acme银行", ["Acme"]),  # no \b: 银 is a word character
        (["acme"], "Acmeville branch", []),  # but Latin words keep their boundaries
        (
            ["thank you for calling * bank"],
            "Thank you for calling Acme Savings Bank today",
            ["Thank you for calling Acme Savings Bank"],
        ),
        (["感谢您致电"], "您好，感謝您致電安信銀行", ["感謝您致電"]),  # simplified phrase, traditional text
        (["还有什么可以帮您"], "請問還有什麼可以幫您？", ["還有什麼可以幫您"]),
        (["ačiū"], "Labas, aciu uz kantrybe", ["aciu"]),  # accents folded both ways
        (["dėkoju"], "DĖKOJU, kad palaukėte", ["DĖKOJU"]),
        (["خوش آمدید"], "به بانک اکمه خوش‌آمدید", ["خوش‌آمدید"]),  # ZWNJ vs space
        (["متشکرم"], "خیلی متشكرم", ["متشكرم"]),  # Arabic kaf vs Persian keheh
        (["ممنون"], "ممنونم از شما", []),  # Persian letters are word characters for boundaries
        (["کمک کنم"], "چطور می‌توانم کمک کنم؟", ["کمک کنم"]),  # Arabic question mark is a boundary
        (["بله"], "بله، درست است", ["بله"]),  # and so is the Arabic comma
    ],
)
def test_phrase_matching(phrases: list[str], text: str, expected: list[str]) -> None:
    assert _found(phrases, text) == expected


def test_spans_point_at_the_original_text_after_folding() -> None:
    text = "Ｈｅｌｌｏ — 感謝您的耐心等候，ačiū!"
    for m in PhraseMatcher(["耐心等候", "aciu"]).find(text):
        assert text[m.start : m.end] in ("耐心等候", "ačiū")


def test_regex_runs_on_folded_text() -> None:
    matcher = RegexMatcher([r"\[card_number\]", r"\d+\s*个工作日"])
    text = "您的卡号是 [CARD_NUMBER]，新卡３個工作日內寄出"
    assert [text[m.start : m.end] for m in matcher.find(text)] == ["[CARD_NUMBER]", "３個工作日"]


def test_fold_and_simplified_keep_lengths() -> None:
    assert to_simplified("帳戶餘額") == "账户余额"
    folded = fold("Ąžuolas ١٢٣")
    assert folded.text == "azuolas 123"
    assert len(folded.index) == len(folded.text)


def test_matches_are_remembered_per_text_and_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from callqa.analysis import text as text_module

    monkeypatch.setattr(text_module._Memo, "SIZE", 2)
    matcher = PhraseMatcher(["thank you for calling"])
    line = "Hello, thank you for calling Acme."
    first = matcher.find(line)
    assert matcher.find(line) is first  # the second call is a lookup
    assert [line[m.start : m.end] for m in first] == ["thank you for calling"]
    for other in ("a", "b", "c"):
        matcher.find(other)
    assert len(matcher._memo.found) <= 2
    assert [line[m.start : m.end] for m in matcher.find(line)] == ["thank you for calling"]


@given(st.text(alphabet=st.sampled_from(list("aZ09 .,!?'`\t\n-")), max_size=40))
def test_the_ascii_shortcut_folds_exactly_like_the_general_fold(text: str) -> None:
    fast, general = fold(text), fold_each_character(text)
    assert (fast.text, list(fast.index)) == (general.text, list(general.index))
