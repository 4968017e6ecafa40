"""Redaction as a whole: overlaps, spans, placeholders, keyword reachability, and hypothesis properties."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callqa.privacy import KINDS, PLACEHOLDERS, Finding, detect, redact_text
from callqa.privacy.checksums import (
    cn_resident_id_valid,
    luhn_valid,
)
from callqa.privacy.context import KEYWORDS, ContextKind
from redact_support import (
    PERSIAN,
    VISA,
    luhn_complete,
    redacted,
)

# --- overlaps, spans and placeholders ---------------------------------------------------------------


def test_findings_are_sorted_and_do_not_overlap() -> None:
    text = (
        "card 4111 1111 1111 1111 exp 09/27 cvv 123, IBAN LT12 1000 0111 0100 1000, "
        "mail a@b.com, tel +370 612 34567, 身份证11010519491231002X, SSN 536-22-1234"
    )
    findings = detect(text)
    assert [f.kind for f in findings] == [
        "card_number",
        "card_expiry",
        "cvv",
        "iban",
        "email",
        "phone",
        "national_id",
        "national_id",
    ]
    for left, right in pairwise(findings):
        assert left.end <= right.start


def test_more_specific_kind_wins_and_covers_the_union() -> None:
    # An 18-digit PRC ID that also passes Luhn: the ID (date + MOD 11-2) is the more specific reading.
    for serial in range(1000):
        value = f"11010519491231{serial:03d}"
        for check in "0123456789":
            candidate = value + check
            if cn_resident_id_valid(candidate) and luhn_valid(candidate):
                assert detect(f"号码{candidate}。") == [Finding("national_id", 2, 20)]
                return
    raise AssertionError("no PRC ID that also passes Luhn")


def test_redacted_spans_point_at_placeholders() -> None:
    text = "卡号4111111111111111，邮箱zhang@example.com，手机13812345678。"
    result = redact_text(text)
    assert result.text == "卡号[CARD_NUMBER]，邮箱[EMAIL]，手机[PHONE]。"
    for redaction in result.redactions:
        assert result.text[redaction.start : redaction.end] == PLACEHOLDERS[redaction.kind]
    originals = [text[r.original_start : r.original_end] for r in result.redactions]
    assert originals == [VISA, "zhang@example.com", "13812345678"]


def test_text_without_findings_comes_back_identical() -> None:
    text = "Thank you for calling, order 12345 is on its way. 谢谢！ Ačiū. متشکرم"
    result = redact_text(text)
    assert result.text is text
    assert result.redactions == []
    assert not result.changed


def test_placeholders_and_kinds() -> None:
    assert set(PLACEHOLDERS) == set(KINDS)
    assert PLACEHOLDERS["card_number"] == "[CARD_NUMBER]"
    assert PLACEHOLDERS["national_id"] == "[NATIONAL_ID]"
    assert all(not any(c.isdigit() for c in p) for p in PLACEHOLDERS.values())


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("cvv", "CVV"),
        ("cvv", "cvc2"),
        ("cvv", "card verification value"),
        ("cvv", "security code"),
        ("cvv", "three digits on the back"),
        ("cvv", "3-digit code on the back"),
        ("cvv", "four digits on the back"),
        ("cvv", "number on the back"),
        ("cvv", "安全码"),
        ("cvv", "驗證碼"),
        ("cvv", "卡背面的三位"),
        ("cvv", "后三位"),
        ("cvv", "apsaugos kodą"),
        ("cvv", "kortelės kodas"),
        ("cvv", "کد امنیتی"),
        ("cvv", "رمز امنیتی"),
        ("cvv", "پشت کارت"),
        ("expiry", "Expiration date"),
        ("expiry", "valid until"),
        ("expiry", "good thru"),
        ("expiry", "有效期至"),
        ("expiry", "到期日"),
        ("expiry", "失效日期"),
        ("expiry", "過期"),
        ("expiry", "galioja iki"),
        ("expiry", "tinka iki"),
        ("expiry", "تاریخ انقضا"),
        ("expiry", "انقضا"),
        ("ssn", "SSN"),
        ("ssn", "social security number"),
        ("ssn", "soc. sec."),
        ("ssn", "社会安全号"),
        ("phone", "telephone"),
        ("phone", "Tel."),
        ("phone", "mobile"),
        ("phone", "WhatsApp"),
        ("phone", "fax"),
        ("phone", "viber"),
        ("phone", "reach me"),
        ("phone", "call back on"),
        ("phone", "电话"),
        ("phone", "手機"),
        ("phone", "聯繫方式"),
        ("phone", "微信"),
        ("phone", "telefonu"),
        ("phone", "mobilusis"),
        ("phone", "تلفن"),
        ("phone", "موبایل"),
        ("phone", "همراه"),
        ("phone", "شماره تماس"),
        ("reference", "order"),
        ("reference", "Orders"),
        ("reference", "tracking"),
        ("reference", "invoice"),
        ("reference", "ticket"),
        ("reference", "booking"),
        ("reference", "case"),
        ("reference", "reference"),
        ("reference", "Ref."),
        ("reference", "transaction"),
        ("reference", "receipt"),
        ("reference", "订单"),
        ("reference", "訂單號"),
        ("reference", "单号"),
        ("reference", "運單"),
        ("reference", "快递"),
        ("reference", "工單"),
        ("reference", "发票"),
        ("reference", "流水号"),
        ("reference", "užsakymo nr."),
        ("reference", "sąskaita faktūra"),
        ("reference", "siuntos"),
        ("reference", "سفارش"),
        ("reference", "پیگیری"),
        ("reference", "فاکتور"),
        ("reference", "رهگیری"),
    ],
)
def test_every_keyword_is_reachable(kind: ContextKind, phrase: str) -> None:
    # The keyword patterns start with a look-ahead on first characters; a missing one would silently
    # disable the keyword, so every alternative is exercised here.
    pattern = KEYWORDS[kind]
    assert pattern.search(f"x {phrase} 1") is not None
    assert pattern.search(f"那{phrase}是") is not None


# --- properties -------------------------------------------------------------------------------------

CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30)
PERSIAN_TEXT = st.text(st.sampled_from("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی "), max_size=30)


@st.composite
def luhn_16(draw: st.DrawFn) -> str:
    prefix = draw(st.text(st.sampled_from("0123456789"), min_size=15, max_size=15))
    return luhn_complete(prefix)


@settings(max_examples=300, deadline=None)
@given(before=CJK, after=CJK, number=luhn_16())
def test_luhn_valid_16_digits_in_cjk_text_never_survive(before: str, after: str, number: str) -> None:
    out = redacted(before + number + after)
    assert number not in out
    assert re.search(r"[0-9]", out) is None
    assert "[CARD_NUMBER]" in out or "[NATIONAL_ID]" in out


@settings(max_examples=200, deadline=None)
@given(before=PERSIAN_TEXT, after=PERSIAN_TEXT, number=luhn_16(), separator=st.sampled_from(["", " ", "-"]))
def test_luhn_valid_16_digits_in_persian_digits_never_survive(
    before: str, after: str, number: str, separator: str
) -> None:
    grouped = separator.join(number[i : i + 4] for i in range(0, 16, 4)).translate(PERSIAN)
    out = redacted(f"{before} {grouped} {after}")
    assert grouped not in out
    assert not any(c in out for c in "۰۱۲۳۴۵۶۷۸۹")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["卡号", VISA, "CVV 123", "a@b.cn", "谢谢", "+370 612 34567", "7", "asmens kodas"])
    ),
    st.sampled_from([" ", ", ", "，"]),
)
def test_redaction_is_idempotent_and_spans_are_consistent(parts: list[str], joiner: str) -> None:
    text = joiner.join(parts)
    result = redact_text(text)
    assert redact_text(result.text).text == result.text
    previous_end = 0
    for redaction in result.redactions:
        assert redaction.start >= previous_end
        assert result.text[redaction.start : redaction.end] == PLACEHOLDERS[redaction.kind]
        previous_end = redaction.end
