"""PII/PCI detectors: every kind, valid and checksum-failing, in English, Chinese, Lithuanian and Persian."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from callqa.privacy.checksums import (
    cn_resident_id_valid,
    iban_valid,
    ir_national_code_valid,
    lt_personal_code_valid,
    luhn_valid,
    us_ssn_valid,
)
from redact_support import (
    AMEX,
    ARABIC_INDIC,
    CN_ID,
    CN_ID_DIGITS,
    FULL_WIDTH,
    IR_ID,
    IR_ID_2,
    LT_ID,
    LT_ID_2,
    PERSIAN,
    SHETAB,
    SPOKEN,
    UNIONPAY_19,
    VISA,
    assert_only,
    kinds,
    redacted,
)

# --- checksums --------------------------------------------------------------------------------------


def test_checksum_helpers_accept_known_valid_values() -> None:
    assert luhn_valid(VISA) and luhn_valid(AMEX) and luhn_valid(UNIONPAY_19) and luhn_valid(SHETAB)
    assert iban_valid("LT121000011101001000") and iban_valid("DE89370400440532013000")
    assert iban_valid("GB82WEST12345698765432") and iban_valid("gb82west12345698765432")
    assert cn_resident_id_valid(CN_ID) and cn_resident_id_valid(CN_ID.lower())
    assert cn_resident_id_valid(CN_ID_DIGITS)
    assert lt_personal_code_valid(LT_ID) and lt_personal_code_valid(LT_ID_2)
    assert ir_national_code_valid(IR_ID) and ir_national_code_valid(IR_ID_2)
    assert us_ssn_valid("536221234")


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (luhn_valid, "4111111111111112"),
        (iban_valid, "LT131000011101001000"),
        (iban_valid, "LT12100001110100100"),
        (cn_resident_id_valid, "110105194912310021"),  # wrong check character
        (cn_resident_id_valid, "110105194902300027"),  # 30 February
        (cn_resident_id_valid, "110105285001010011"),  # born in 2850
        (lt_personal_code_valid, "38703181746"),  # wrong check digit
        (lt_personal_code_valid, "78703181745"),  # no such century digit
        (lt_personal_code_valid, "38713181745"),  # month 13
        (ir_national_code_valid, "0499370898"),
        (ir_national_code_valid, "1111111111"),  # all one digit, passes the arithmetic
        (ir_national_code_valid, "0000000000"),
        (us_ssn_valid, "000221234"),
        (us_ssn_valid, "666221234"),
        (us_ssn_valid, "936221234"),
        (us_ssn_valid, "536001234"),
        (us_ssn_valid, "536220000"),
    ],
)
def test_checksum_helpers_reject_invalid_values(check: Callable[[str], bool], value: str) -> None:
    assert not check(value)


def test_lt_second_pass_weights_are_used() -> None:
    # Find a code whose first-pass remainder is 10, so only the second weights decide its check digit.
    for serial in range(1000):
        body = f"3870318{serial:03d}"
        first = sum(int(d) * w for d, w in zip(body, (1, 2, 3, 4, 5, 6, 7, 8, 9, 1), strict=True)) % 11
        if first == 10:
            second = sum(int(d) * w for d, w in zip(body, (3, 4, 5, 6, 7, 8, 9, 1, 2, 3), strict=True)) % 11
            expected = 0 if second == 10 else second
            assert lt_personal_code_valid(body + str(expected))
            assert not lt_personal_code_valid(body + str((expected + 1) % 10))
            return
    raise AssertionError("no code with a first-pass remainder of 10")


# --- card numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我的卡号是4111111111111111谢谢", VISA),
        ("card 4111 1111 1111 1111 please", "4111 1111 1111 1111"),
        ("It's 4111-1111-1111-1111.", "4111-1111-1111-1111"),
        ("4111.1111.1111.1111", "4111.1111.1111.1111"),
        ("Amex 3782 822463 10005 ok", "3782 822463 10005"),
        ("Amex 3782-822463-10005", "3782-822463-10005"),
        (f"Amex {AMEX}", AMEX),
        (f"银联卡{UNIONPAY_19}，谢谢", UNIONPAY_19),
        ("卡號：5500 0000 0000 0004。", "5500 0000 0000 0004"),
        ("kortelės numeris 5500 0000 0000 0004, ačiū", "5500 0000 0000 0004"),
        (f"شماره کارت من {SHETAB.translate(PERSIAN)} است", SHETAB.translate(PERSIAN)),
        ("کارت ۴۱۱۱-۱۱۱۱-۱۱۱۱-۱۱۱۱ لطفا", "۴۱۱۱-۱۱۱۱-۱۱۱۱-۱۱۱۱"),
        (f"رقم {VISA.translate(ARABIC_INDIC)}", VISA.translate(ARABIC_INDIC)),
        ("卡号：４１１１ １１１１ １１１１ １１１１", "４１１１ １１１１ １１１１ １１１１"),
        ("卡号４１１１１１１１１１１１１１１１号", VISA.translate(FULL_WIDTH)),
        ("card number 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 thanks", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"),
        ("it is 41 11 11 11 11 11 11 11 ok", "41 11 11 11 11 11 11 11"),
        ("I was born in 1985. 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ],
)
def test_card_numbers_are_found(text: str, value: str) -> None:
    assert_only(text, "card_number", value)


def test_spoken_card_number() -> None:
    spoken = " ".join(SPOKEN[d] for d in VISA)
    text = f"yes my card is {spoken} thank you"
    assert_only(text, "card_number", spoken)
    assert redacted(text) == "yes my card is [CARD_NUMBER] thank you"


def test_spoken_card_number_with_pauses_and_oh() -> None:
    text = "five five oh oh, oh oh oh oh, zero zero zero zero, zero zero zero four. Thanks"
    assert redacted(text) == "[CARD_NUMBER]. Thanks"


def test_spoken_card_number_mixed_with_digits() -> None:
    assert redacted("it's 4111 one one one one 1111 1111 ok") == "it's [CARD_NUMBER] ok"


def test_card_number_read_out_in_chinese_numerals() -> None:
    spoken = UNIONPAY_19.translate(str.maketrans("0123456789", "零一二三四五六七八九"))
    assert redacted(f"卡号是{spoken}对吧") == "卡号是[CARD_NUMBER]对吧"


def test_card_expiry_and_cvv_run_together() -> None:
    assert redacted("4111 1111 1111 1111 09/27 123") == "[CARD_NUMBER] [CARD_EXPIRY] [CVV]"
    assert redacted("41111111111111110927123") == "[CARD_NUMBER]"


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # fails Luhn
        "4111 1111 1111 1112",
        "我的号码是4111111111111112谢谢",
        "order 12345678 shipped",
        "The total is 1,250.00 and the fee 4,111.11",
        "Meeting at 14:30 on 27/09/2027, see you 2024-09-27",
        "Tracking 1Z999AA10123456784",
        "phone +49 30 1234 5678 90",  # a Luhn-valid irregular run after '+' is a phone, not a card
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5",  # loosely spaced, starts with 1: not a card prefix
        "quantities 12 14 16 18 20 22 24",
        "sizes 12, 14, 16, 18, 20, 22, 24 and 1,250.00",
        "I have 123 items and 45 boxes",
    ],
)
def test_card_near_misses_are_left_alone(text: str) -> None:
    assert "card_number" not in kinds(text)


@pytest.mark.parametrize(
    ("context", "text", "expected"),
    [
        # speech recognition adds or drops digits of a number read out: the checksum fails, yet it is the card
        (
            "Could you read me the card number, please?",
            "Sure, it's 41111111111111111111111.",
            "Sure, it's [CARD_NUMBER].",
        ),
        (
            "What's the long number on the front of your card?",
            "It's 4-1-1-1-1. 1-1-1-1-1. 1-1-1-1.",
            "It's [CARD_NUMBER].",
        ),
        (
            "",
            "my card number is four one one one one one one one one one one one one one one",
            "my card number is [CARD_NUMBER]",
        ),
        ("", "我的卡号是4111111111111112谢谢", "我的卡号是[CARD_NUMBER]谢谢"),
        # how Whisper writes a number read in groups
        ("Can you give me the card number?", "Yes, it's 4646, 4646, 4646, 4644.", "Yes, it's [CARD_NUMBER]."),
        ("", "Yes, it's 4111, 1111, 1111, 1111.", "Yes, it's [CARD_NUMBER]."),
        ("card number?", "4-6-4-6, 4-6-4-6, 4-6-4-6, 4-6-4-4", "[CARD_NUMBER]"),
        ("", "kortelės numeris 4111 1111 1111 1112", "kortelės numeris [CARD_NUMBER]"),
        ("", "شماره کارت ۶۰۳۷ ۹۹۷۵ ۹۹۱۲ ۳۴۵۶ است", "شماره کارت [CARD_NUMBER] است"),
    ],
)
def test_a_long_number_given_as_the_card_number_is_redacted_even_when_its_checksum_fails(
    context: str, text: str, expected: str
) -> None:
    assert redacted(text, context=context) == expected


@pytest.mark.parametrize(
    ("context", "text"),
    [
        ("Could you read me the card number, please?", "It ends in 4321."),  # too short to be the card
        ("What is your order number?", "It's 1234 5678 9012 3456."),  # no card asked for, checksum fails
    ],
)
def test_numbers_near_card_talk_that_are_not_card_numbers_stay(context: str, text: str) -> None:
    assert redacted(text, context=context) == text


# --- CVV --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("CVV 123", "123"),
        ("cvv2: 4567", "4567"),
        ("The CVV2 is 1234.", "1234"),
        ("CVC is 321, thanks", "321"),
        ("the security code is 7 8 9", "7 8 9"),
        ("the three digits on the back are 321", "321"),
        ("The code on the back of the card: 222", "222"),
        ("安全码是123", "123"),
        ("安全碼：456。", "456"),
        ("卡背后三位是789", "789"),
        ("签名栏末三位 852", "852"),
        ("saugos kodas 456", "456"),
        ("CVV kodas yra 321", "321"),
        ("کد امنیتی ۱۲۳", "۱۲۳"),
        ("کد امنیتی کارت ۱۲۳ است", "۱۲۳"),
        ("کد CVV2 ۴۵۶ است", "۴۵۶"),
        ("cvv2 من ۷۸۹", "۷۸۹"),
    ],
)
def test_cvv_after_a_keyword(text: str, value: str) -> None:
    assert_only(text, "cvv", value)


def test_spoken_cvv() -> None:
    assert redacted("the security code is one two three") == "the security code is [CVV]"


def test_cvv_answered_in_the_next_turn() -> None:
    question = "Could you read me the three digits on the back of the card?"
    assert redacted("Sure, 123.", context=question) == "Sure, [CVV]."
    assert redacted("Sure, 123.") == "Sure, 123."
    assert redacted("安全码呢？", context="") == "安全码呢？"
    assert redacted("是456", context="请告诉我卡背后三位") == "是[CVV]"


@pytest.mark.parametrize(
    "text",
    [
        "I have 123 items",
        "room 404, floor 3",
        "CVV is on the back of the card",
        "security code sent at 10:30",
        "CVV? I paid 1,250.00 already",
        "the security code is 12345",
        "CVV 123/456",
        "the security code? hold on, I'll look for it in my wallet... it's not here, room 404",
    ],
)
def test_cvv_near_misses(text: str) -> None:
    assert "cvv" not in kinds(text)


# --- expiry -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("expires 09/27", "09/27"),
        ("exp 09/2027", "09/2027"),
        ("Expiry date: 9/27.", "9/27"),
        ("valid thru 11-26", "11-26"),
        ("有效期 09/27", "09/27"),
        ("有效期至2027年9月", "2027年9月"),
        ("到期日 12/28", "12/28"),
        ("galioja iki 09/27", "09/27"),
        ("galiojimo data 2027-09", "2027-09"),
        ("تاریخ انقضا ۰۵/۱۲", "۰۵/۱۲"),
        ("تاریخ انقضا ۱۴۰۵/۰۳", "۱۴۰۵/۰۳"),
        ("expiry 0927", "0927"),
    ],
)
def test_card_expiry_in_context(text: str, value: str) -> None:
    assert_only(text, "card_expiry", value)


@pytest.mark.parametrize(
    "text",
    ["see you on 09/27", "meeting 27/09/2027", "expires 2027-09-30", "09/27 at 10:30", "版本 2027/09"],
)
def test_dates_are_not_expiries(text: str) -> None:
    assert "card_expiry" not in kinds(text)


# --- IBAN -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("IBAN LT12 1000 0111 0100 1000 thanks", "LT12 1000 0111 0100 1000"),
        ("sąskaita LT121000011101001000.", "LT121000011101001000"),
        ("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
        ("账号DE89370400440532013000谢谢", "DE89370400440532013000"),
        ("send to GB82 WEST 1234 5698 7654 32 today", "GB82 WEST 1234 5698 7654 32"),
        ("gb82west12345698765432", "gb82west12345698765432"),
        ("شماره شبا IR500170000000110123456001 است", "IR500170000000110123456001"),
        ("LT12 1000 0111 0100 1000 123", "LT12 1000 0111 0100 1000"),
    ],
)
def test_ibans(text: str, value: str) -> None:
    assert_only(text, "iban", value)


@pytest.mark.parametrize(
    "text", ["LT13 1000 0111 0100 1000", "DE89370400440532013001", "model AB12 CDEF 3456 7890 XYZ"]
)
def test_iban_near_misses(text: str) -> None:
    assert "iban" not in kinds(text)


# --- e-mail -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("email me at john.smith@example.com please", "john.smith@example.com"),
        ("我的邮箱是zhang.san@example.com谢谢", "zhang.san@example.com"),
        ("郵箱：a.b+c@mail.example.com.tw。", "a.b+c@mail.example.com.tw"),
        ("el. paštas: jonas@pastas.lt, ačiū", "jonas@pastas.lt"),
        ("ایمیل من ali.rezaei@example.ir است", "ali.rezaei@example.ir"),
        ("user＠example.com", "user＠example.com"),
        ("13812345678@163.com", "13812345678@163.com"),
    ],
)
def test_emails(text: str, value: str) -> None:
    assert_only(text, "email", value)


@pytest.mark.parametrize("text", ["follow @callqa", "a@b", "price @ 5 each", "name@localhost"])
def test_email_near_misses(text: str) -> None:
    assert "email" not in kinds(text)


# --- phone ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call me on +370 612 34567 tomorrow", "+370 612 34567"),
        ("mano numeris 8 612 34567", "8 612 34567"),
        ("telefonas 861234567", "861234567"),
        ("+86 138 1234 5678", "+86 138 1234 5678"),
        ("我的手机13812345678谢谢", "13812345678"),
        ("号码是138-1234-5678。", "138-1234-5678"),
        ("شماره من ۰۹۱۲۳۴۵۶۷۸۹ است", "۰۹۱۲۳۴۵۶۷۸۹"),
        ("تلفن ۰۲۱-۸۸۷۷۶۶۵۵", "۰۲۱-۸۸۷۷۶۶۵۵"),
        ("Tel. +98 912 345 6789", "+98 912 345 6789"),
        ("call (212) 555-1234 now", "(212) 555-1234"),
        ("call 212-555-1234 now", "212-555-1234"),
        ("+1 (212) 555-1234", "+1 (212) 555-1234"),
        ("UK 07911 123456", "07911 123456"),
        ("0044 20 7946 0958", "0044 20 7946 0958"),
        ("phone: 555-1234", "555-1234"),
    ],
)
def test_phones(text: str, value: str) -> None:
    assert_only(text, "phone", value)


@pytest.mark.parametrize(
    "text",
    [
        "order 12345678",
        "555-1234",
        "2024-09-27",
        "2125551234",  # ten bare digits: could be anything without a keyword or formatting
        "version 10.2.3.4567",
        "total 1,250,000.00",
        "+12",
    ],
)
def test_phone_near_misses(text: str) -> None:
    assert "phone" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "order 13812345678",
        "订单号13812345678",
        "訂單號：09123456789",
        "užsakymo nr. 861234567",
        "شماره سفارش ۰۹۱۲۳۴۵۶۷۸۹",
        "tracking number 212-555-1234",
    ],
)
def test_order_numbers_shaped_like_phones_are_left_alone(text: str) -> None:
    assert kinds(text) == []


def test_reference_words_do_not_hide_phones_cards_or_ids() -> None:
    assert kinds("订单号13812345678，手机13912345678") == ["phone"]
    assert kinds("order 12345, call me on 13812345678") == ["phone"]
    assert kinds("order paid with 4111 1111 1111 1111") == ["card_number"]
    assert kinds("ref +370 612 34567") == ["phone"]
    assert kinds("order 11010519491231002X") == ["national_id"]
    assert kinds("refund to 13812345678") == ["phone"]
    assert kinds("order 48213377, 13812345678") == ["phone"]  # the order word names the first number only


# --- national IDs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("身份证号11010519491231002X", CN_ID),
        ("身分證號碼：11010519491231002x。", "11010519491231002x"),
        (f"ID {CN_ID_DIGITS} ok", CN_ID_DIGITS),
        ("身份证 110105 19491231 002X", "110105 19491231 002X"),
        ("身份证号１１０１０５１９４９１２３１００２Ｘ", "１１０１０５１９４９１２３１００２Ｘ"),
        ("mano asmens kodas 38703181745", LT_ID),
        (f"a.k. {LT_ID_2}, ačiū", LT_ID_2),
        ("کد ملی من ۰۴۹۹۳۷۰۸۹۹ است", "۰۴۹۹۳۷۰۸۹۹"),
        (f"national code {IR_ID_2}", IR_ID_2),
        ("کدملی: ۰۴۹-۹۳۷۰۸۹-۹", "۰۴۹-۹۳۷۰۸۹-۹"),
        ("SSN 536-22-1234", "536-22-1234"),
        ("my social is 536 22 1234", "536 22 1234"),
        ("SSN: 536221234", "536221234"),
        ("what's your social security number? 536221234", "536221234"),
    ],
)
def test_national_ids(text: str, value: str) -> None:
    assert_only(text, "national_id", value)


@pytest.mark.parametrize(
    "text",
    [
        "身份证号110105194912310021",
        "身份证号110105194902300027",
        "asmens kodas 38703181746",
        "asmens kodas 78703181745",
        "کد ملی ۰۴۹۹۳۷۰۸۹۸",
        "کد ملی ۱۱۱۱۱۱۱۱۱۱",
        "SSN 666-12-3456",
        "SSN 900-12-3456",
        "SSN 000-12-3456",
        "SSN 536-00-1234",
        "SSN 536-22-0000",
        "order 536221234",  # nine bare digits need an SSN keyword
        "536-22-12345",
    ],
)
def test_national_id_near_misses(text: str) -> None:
    assert "national_id" not in kinds(text)


def test_ssn_answered_in_the_next_turn() -> None:
    assert kinds("536221234", context="And your social security number?") == ["national_id"]


def test_an_id_checksum_inside_a_spaced_card_number_does_not_rename_it() -> None:
    # found by hypothesis: "0001 0000 04" passes the Iranian national-code checksum
    from callqa.privacy.redact import redact_text

    result = redact_text("My card number is 5160 0001 0000 04, can you check it?")
    assert result.text == "My card number is [CARD_NUMBER], can you check it?"
    assert [r.kind for r in result.redactions] == ["card_number"]
